"""The default notification templates (administrators edit them afterwards in the admin site).

A copy of ``core.notifications.DEFAULT_TEMPLATES`` as of this migration: migrations must not import code that changes.
"""

from django.db import migrations

TEMPLATES = {'case_offered': {'body': 'Dear Dr. {{ reviewer_name }},\n'
                          '\n'
                          'Case {{ case_number }} ({{ priority }} review, {{ item_count }} disputed item{{ '
                          'item_count|pluralize }}) has been offered to you.{% if due_date %} The '
                          'determination is due on {{ due_date }}.{% endif %}\n'
                          '\n'
                          'Please accept it, attesting that you have no conflict of interest, or decline it, '
                          'from your cases:\n'
                          '{{ my_cases_url }}\n'
                          '\n'
                          '{{ organization_name }}\n',
                  'description': 'To a reviewer: a case has been offered to them.',
                  'subject': 'IMR case {{ case_number }} offered to you ({{ priority }})'},
 'case_reassigned': {'body': 'Dear Dr. {{ reviewer_name }},\n'
                             '\n'
                             'Case {{ case_number }} has been withdrawn from you and reassigned. You need do '
                             'nothing further on it.{% if reason %}\n'
                             '\n'
                             'Reason: {{ reason }}{% endif %}\n'
                             '\n'
                             '{{ organization_name }}\n',
                     'description': 'To a reviewer: a case has been withdrawn from them and given to another '
                                    'reviewer.',
                     'subject': 'IMR case {{ case_number }} has been reassigned'},
 'offer_reminder': {'body': 'Dear Dr. {{ reviewer_name }},\n'
                            '\n'
                            'Case {{ case_number }} was offered to you on {{ offered_on }} and is waiting '
                            'for you to accept or decline it.{% if due_date %} The determination is due on '
                            '{{ due_date }}.{% endif %}\n'
                            '\n'
                            '{{ my_cases_url }}\n'
                            '\n'
                            '{{ organization_name }}\n',
                    'description': 'To a reviewer: reminder of an offer not yet accepted or declined.',
                    'subject': 'Reminder: IMR case {{ case_number }} is waiting for your answer'}}


def create_templates(apps, schema_editor):
    EmailTemplate = apps.get_model("core", "EmailTemplate")
    for key, fields in TEMPLATES.items():
        EmailTemplate.objects.get_or_create(key=key, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_roles")]
    operations = [migrations.RunPython(create_templates, migrations.RunPython.noop)]
