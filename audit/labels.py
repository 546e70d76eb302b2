"""Words for the access log's actions. A row stores the page's URL name ("cases:detail", "letters:case_register"):
stable, and what the filter searches; people read these words instead."""

ACTION_LABELS = {
    "cases:list": "Case list",
    "cases:detail": "Case page",
    "cases:edit": "Intake edited",
    "cases:create": "New case",
    "cases:export": "Cases exported",
    "cases:import": "Cases imported",
    "cases:document": "Document opened",
    "cases:document_upload": "Document added",
    "cases:records_search": "Records searched",
    "cases:workspace": "Workspace",
    "cases:autosave": "Determination saved (draft)",
    "cases:submit_determination": "Determination submitted",
    "cases:qa_review": "Clinical QA review",
    "cases:qa_queue": "QA queue",
    "cases:my_cases": "My cases",
    "cases:assign_queue": "Assign queue",
    "cases:assign": "Assignment",
    "cases:transition": "Case state changed",
    "letters:center": "Letter center",
    "letters:case_register": "Letters of the case",
    "letters:download": "Letter downloaded",
    "letters:zip": "Letters downloaded (ZIP)",
    "letters:service": "Service recorded",
    "letters:proof": "Proof of service",
    "letters:preview": "Letter preview",
    "letters:correction": "Letter corrected",
    "letters:generate": "Letter made",
    "precedents:search": "Precedent search",
    "precedents:similar": "Similar precedents",
    "precedents:detail": "Precedent",
    "parties:home": "Party portal: our cases",
    "parties:case": "Party portal: case page",
    "parties:send_documents": "Party portal: documents sent",
    "parties:receipt": "Party portal: receipt",
    "parties:letter": "Party portal: letter downloaded",
    "audit:log": "Access log",
    "audit:csv": "Access log exported",
}


def action_label(action: str) -> str:
    """The words for ``action``; a URL name not listed reads as its app and its words ("Reviewers: roster")."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    app, _, name = action.partition(":")
    if not name:
        return action.replace("_", " ").capitalize()
    return f"{app.replace('_', ' ').capitalize()}: {name.replace('_', ' ')}"
