from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"

    def ready(self) -> None:
        # deferred: models and tasks can be imported only once the app registry is ready.
        from cases import hooks
        from letters import service_record, tasks
        from letters.services import requests

        # The services queue the letter task without importing it; the cases app asks for an approved case's letters
        # through its hook (cases/hooks.py), and reads the service record for an appeal's deadline through another:
        # cases never imports letters.
        requests.register_letter_task(tasks.generate_letters_task.delay)
        hooks.register_letter_requester(requests.request_letters)
        hooks.register_service_lookup(service_record.service_of)
