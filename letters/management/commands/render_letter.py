from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from letters import rendering, services
from letters.models import Rendition


class Command(BaseCommand):
    help = (
        "Render one rendition of a determined case's letter (imported historical cases included) and sign it with the "
        "configured certificate, or the development one. The file is NOT registered: it verifies as 'unknown' on the "
        "verification page. Letters for the parties come from the letter task, which registers them."
    )

    def add_arguments(self, parser):
        parser.add_argument("case_number")
        parser.add_argument("--rendition", choices=Rendition.values, default=Rendition.PUBLIC)
        parser.add_argument("-o", "--output", required=True, type=Path, help="the PDF file to write")
        parser.add_argument("--unsigned", action="store_true", help="skip the signature (render only)")

    def handle(self, *args, case_number: str, rendition: str, output: Path, unsigned: bool, **options):
        case = Case.objects.filter(case_number=case_number.strip().upper()).first()
        if case is None:
            raise CommandError(f"No case {case_number}.")
        try:
            determination = rendering.approved_determination(case)
        except rendering.LetterNotReady as error:
            raise CommandError(str(error)) from None
        try:
            setup = None if unsigned else services.signing_setup()
        except ValueError as error:
            raise CommandError(f"Cannot sign: {error}") from None
        variant = setup.pdf_variant if setup else rendering.pdf.PDF_VARIANT
        rendered = rendering.render_letter_pdf(case, determination, rendition=rendition, pdf_variant=variant)
        try:
            data = rendered.pdf if unsigned else services.sign_rendered(rendered, setup=setup)
        except ValueError as error:
            raise CommandError(f"Cannot sign: {error}") from None
        try:
            output.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from None
        state = "unsigned" if unsigned else "signed, not registered"
        self.stdout.write(f"{output}: {case.case_number} {rendition}, {rendered.page_count} pages, {state}.")
