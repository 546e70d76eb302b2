"""What a reviewer or an administrator typed is printed in the letter as the text it is, never as markup."""

import subprocess

import pytest

from letters import rendering
from tests import factories

pytestmark = pytest.mark.django_db

MARKUP = '<b>bold</b> & <script>alert("x")</script> <img src="file:///etc/passwd">'


def test_markup_typed_into_a_determination_is_printed_literally_in_the_letter_pdf():
    case = factories.determined_case(decisions=("upheld",), employee_name="Pat <i>Lee</i>")
    determination = rendering.approved_determination(case)
    determination.clinical_case_summary = "The summary says " + MARKUP
    determination.save(update_fields=["clinical_case_summary"])
    row = determination.decisions.get()
    row.rationale = "The rationale says " + MARKUP + " Therefore the request is not medically necessary."
    row.save(update_fields=["rationale"])

    rendered = rendering.render_letter_pdf(case, determination, rendition="parties")

    text = subprocess.run(["pdftotext", "-", "-"], input=rendered.pdf, capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    assert '<b>bold</b> & <script>alert("x")</script>' in flat
    assert flat.count('<img src="file:///etc/passwd">') == 2
    assert "Pat <i>Lee</i>" in flat
