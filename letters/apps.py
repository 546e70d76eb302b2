from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"

    def ready(self) -> None:
        # The cases app asks for an approved case's letter through this hook (cases/hooks.py): cases never imports
        # letters.
        from cases import hooks
        from letters.tasks import generate_letter

        hooks.register_letter_maker(generate_letter.delay)
