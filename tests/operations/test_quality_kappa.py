"""Cohen's kappa and percent agreement, against a worked example from the literature."""

import pytest

from operations.quality import cohen_kappa


def test_kappa_matches_the_worked_example_of_fifty_applications_read_by_two_readers():
    # The worked example of the Wikipedia article "Cohen's kappa" (section "Simple example"), after Cohen, J. (1960),
    # "A coefficient of agreement for nominal scales", Educational and Psychological Measurement 20(1): 37-46:
    # 50 grant proposals read by readers A and B; both yes 20, A yes / B no 5, A no / B yes 10, both no 15.
    # p_o = (20 + 15) / 50 = 0.70; p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.50; kappa = (0.70 - 0.50) / (1 - 0.50) = 0.40.
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    agreement = cohen_kappa(pairs)
    assert agreement.items == 50
    assert agreement.percent == pytest.approx(0.70)
    assert agreement.expected == pytest.approx(0.50)
    assert agreement.kappa == pytest.approx(0.40)


def test_kappa_is_one_for_full_agreement_and_undefined_when_both_readers_give_one_answer_only():
    assert cohen_kappa([("upheld", "upheld"), ("overturned", "overturned")]).kappa == pytest.approx(1.0)
    single = cohen_kappa([("upheld", "upheld")] * 3)
    assert single.percent == 1.0 and single.kappa is None
    assert cohen_kappa([]).items == 0
