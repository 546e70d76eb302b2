"""The injured worker's notice of assignment links the records cover sheets, as the parties' notices do.

A stored worker's template (``assignment_notice_worker_en``/``_es``, written from ``parties.worker_notice`` at the first
notice) still at the built-in text of before gets the new paragraph; one an administrator changed is left as it is.
The texts are copies, as of this migration: migrations must not import code that changes.
"""

from django.db import migrations

OLD = {
    'en': (
        'Dear {{ recipient_name }},\n'
        '\n'
        'Your application for Independent Medical Review (IMR) of the utilization review decision of {{ ur_date }} (claim {{ claim_number }}, date of injury {{ date_of_injury }}) was assigned to {{ organization_name }} on {{ assigned_on }}. Your case number is {{ case_number }} ({{ priority }} review).\n'
        '\n'
        'Treatment in dispute:\n'
        '{% for item in items %}- {{ item }}\n'
        '{% endfor %}\n'
        'You can see where your case stands, send us documents and read the decision letter online, at:\n'
        '{{ portal_url }}\n'
        '\n'
        'You will need your case number, your date of birth and this case access code:\n'
        '\n'
        '    Case access code: {{ access_code }}\n'
        '\n'
        'Keep this code private: it opens only this case. If you lose it, contact us and we will send you a new one.\n'
        '\n'
        'This notice is sent within one business day of the assignment (8 CCR 9792.10.4(b)).\n'
        '\n'
        '{{ organization_name }}\n'
    ),
    'es': (
        'Estimado(a) {{ recipient_name }}:\n'
        '\n'
        'Su solicitud de Revisión Médica Independiente (IMR, por sus siglas en inglés) de la decisión de revisión de utilización del {{ ur_date }} (reclamo {{ claim_number }}, fecha de la lesión: {{ date_of_injury }}) fue asignada a {{ organization_name }} el {{ assigned_on }}. El número de su caso es {{ case_number }} (revisión {{ priority }}).\n'
        '\n'
        'Tratamiento en disputa:\n'
        '{% for item in items %}- {{ item }}\n'
        '{% endfor %}\n'
        'Puede ver en qué etapa está su caso, enviarnos documentos y leer la carta con la decisión por internet, en:\n'
        '{{ portal_url }}\n'
        '\n'
        'Necesitará su número de caso, su fecha de nacimiento y este código de acceso al caso:\n'
        '\n'
        '    Código de acceso al caso: {{ access_code }}\n'
        '\n'
        'No comparta este código: solo sirve para abrir este caso. Si lo pierde, comuníquese con nosotros y le enviaremos uno nuevo.\n'
        '\n'
        'Este aviso se envía dentro de un día hábil después de la asignación (8 CCR 9792.10.4(b)).\n'
        '\n'
        '{{ organization_name }}\n'
    ),
}
PARAGRAPH = {
    'en': (
        '{% if cover_sheets_url %}To send us documents by fax or mail instead, print the records cover sheets and put the right one on top of each document:\n'
        '{{ cover_sheets_url }}\n'
        '\n'
        '{% endif %}'
    ),
    'es': (
        '{% if cover_sheets_url %}Si prefiere enviarnos documentos por fax o por correo, imprima las hojas de portada de los expedientes y ponga la que corresponda encima de cada documento:\n'
        '{{ cover_sheets_url }}\n'
        '\n'
        '{% endif %}'
    ),
}
ANCHOR = {'en': 'This notice is sent within one business day', 'es': 'Este aviso se envía dentro de un día hábil'}


def _new(language: str) -> str:
    old, anchor = OLD[language], ANCHOR[language]
    return old.replace(anchor, PARAGRAPH[language] + anchor, 1)


def add_cover_sheets(apps, schema_editor):
    EmailTemplate = apps.get_model("core", "EmailTemplate")
    for language, old in OLD.items():
        EmailTemplate.objects.filter(key=f"assignment_notice_worker_{language}", body=old).update(body=_new(language))


def remove_cover_sheets(apps, schema_editor):
    EmailTemplate = apps.get_model("core", "EmailTemplate")
    for language, old in OLD.items():
        EmailTemplate.objects.filter(key=f"assignment_notice_worker_{language}", body=_new(language)).update(body=old)


class Migration(migrations.Migration):
    dependencies = [("parties", "0003_worker_access"), ("core", "0008_outbox_erase_body_when_sent")]
    operations = [migrations.RunPython(add_cover_sheets, remove_cover_sheets)]
