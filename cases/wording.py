"""How a determination reads in its letter: each item's heading and the whole case's outcome (DOMAIN.md, "The
letter"). The letters app prints these; QA's version comparison shows them too."""

from cases.models import DisputedItem, ItemDecision


def final_determination(decisions: list[str]) -> str:
    """The whole case: Uphold (every item upheld), Overturn (every item overturned) or Partial Overturn."""
    decided = [decision for decision in decisions if decision]
    if decided and all(decision == ItemDecision.Decision.OVERTURNED for decision in decided):
        return "Overturn"
    if any(decision == ItemDecision.Decision.OVERTURNED for decision in decided):
        return "Partial Overturn"
    return "Uphold"


def item_heading(item: DisputedItem, decision: str) -> str:
    """The item's heading as letters print it, with the modified-request form where UR modified the request."""
    label = dict(ItemDecision.Decision.choices).get(decision, "(not decided)")
    if item.ur_outcome == DisputedItem.UrOutcome.MODIFIED:
        return (
            f"{item.original_request} was the original request. {item.authorized} was authorized by the Claims "
            f"Administrator. The remaining IMR eligible portion of the original request, {item.description} is: "
            f"{label}"
        )
    return f"{item.description}: {label}"
