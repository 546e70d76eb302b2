"""The library's curated text and limits (not extracted): a short recommendation for the common sections
(written for this library, never copied from the guideline), the sections the quantity limits need but the letters
do not cite, and the quantity limits (see `tools.extract_library` on "unconfirmed"). Used by
`tools.extract_library`."""

from __future__ import annotations

from typing import Any

from tools.library_sources import MTUS_SOURCES

# --- curated sections -------------------------------------------------------------------------------------------------

# Short recommendations written for this library (paraphrases, never the guideline's own text), by (source, section).
RECOMMENDATIONS: dict[tuple[str, str], str] = {
    ("mtus-chronic-pain-2016", "Physical medicine treatment"): (
        "Supervised physical medicine with fading frequency (from up to 3 visits a week to 1 or less) and a move to a "
        "self-directed home program; active therapy is preferred to passive. About 9-10 visits over 8 weeks for "
        "myalgia and myositis, 8-10 over 4 weeks for neuralgia, neuritis and radiculitis, more for CRPS."
    ),
    ("mtus-chronic-pain-2016", "Manual therapy & manipulation"): (
        "Recommended for chronic low back pain of musculoskeletal origin: a trial of 6 visits over 2 weeks, then up "
        "to 18 visits over 6-8 weeks with objective functional improvement; maintenance care is not medically "
        "necessary; not recommended for the ankle and foot, carpal tunnel syndrome, forearm, wrist and hand, or knee."
    ),
    ("mtus-chronic-pain-2016", "Topical analgesics"): (
        "Largely experimental; an option mainly for neuropathic pain after antidepressants and anticonvulsants have "
        "failed. A compounded product that contains any drug or drug class not recommended is not recommended."
    ),
    ("mtus-chronic-pain-2016", "Topical analgesics, compounded"): (
        "A compounded topical product is not recommended when any of its ingredients is not recommended."
    ),
    ("mtus-chronic-pain-2016", "Cyclobenzaprine (Flexeril)"): (
        "An option for a short course only (no more than 2-3 weeks); the effect is greatest in the first days, and "
        "adding it to other agents is not recommended."
    ),
    ("mtus-chronic-pain-2016", "Muscle relaxants (for pain)"): (
        "Non-sedating muscle relaxants are a second-line option for short-term treatment of acute exacerbations of "
        "chronic low back pain; most give no benefit beyond NSAIDs, and efficacy wanes with time."
    ),
    ("mtus-chronic-pain-2016", "TENS, chronic pain (transcutaneous electrical nerve stimulation)"): (
        "Not a primary treatment; a one-month home-based trial may be considered as an adjunct to a program of "
        "evidence-based functional restoration, with documented use and outcomes, for selected conditions such as "
        "neuropathic pain and CRPS."
    ),
    ("mtus-chronic-pain-2016", "NSAIDs (non-steroidal anti-inflammatory drugs)"): (
        "The lowest dose for the shortest period, for osteoarthritis and for short-term relief of acute exacerbations "
        "of chronic back pain; no clear long-term benefit for chronic low back pain."
    ),
    ("mtus-chronic-pain-2016", "NSAIDs, GI symptoms & cardiovascular risk"): (
        "Weigh gastrointestinal and cardiovascular risk before prescribing; a patient at intermediate GI risk may take "
        "a non-selective NSAID with a proton pump inhibitor, or a COX-2 selective agent."
    ),
    ("mtus-chronic-pain-2016", "Proton Pump Inhibitors (PPIs)"): (
        "With an NSAID for patients at intermediate or high risk of gastrointestinal events (older age, prior ulcer or "
        "bleeding, aspirin, corticosteroids or anticoagulants, high-dose or several NSAIDs)."
    ),
    ("mtus-chronic-pain-2016", "Office visits"): (
        "The need for follow-up visits follows the patient's concerns, signs and symptoms, clinical stability and the "
        "medications taken, and the physician's judgment."
    ),
    ("mtus-chronic-pain-2016", "Opioid-induced constipation treatment"): (
        "Start prophylactic treatment of constipation with opioids: fluids, activity, fiber, and stool softeners or "
        "laxatives."
    ),
    ("mtus-chronic-pain-2016", "Lidoderm (lidocaine patch)"): (
        "For localized peripheral neuropathic pain after a trial of first-line therapy (a tricyclic or SNRI "
        "antidepressant or an antiepilepsy drug such as gabapentin); not for osteoarthritis or myofascial pain."
    ),
    ("mtus-chronic-pain-2016", "Flector patch (diclofenac epolamine)"): (
        "A topical NSAID: short-term use (4-12 weeks) for osteoarthritis of joints amenable to topical treatment; "
        "little evidence for the spine, hip or shoulder."
    ),
    ("mtus-chronic-pain-2016", "Gabapentin (Neurontin)"): (
        "A first-line option for neuropathic pain such as painful diabetic neuropathy and postherpetic neuralgia; "
        "continued use depends on documented pain relief and improved function."
    ),
    ("mtus-chronic-pain-2016", "Antiepilepsy drugs (AEDs) for pain"): (
        "For neuropathic pain; a good response is a 50% reduction in pain, a moderate one 30%; with less, switch or "
        "combine."
    ),
    ("mtus-chronic-pain-2016", "Benzodiazepines"): (
        "Not for long-term use: efficacy is unproven and dependence develops; most guidelines limit use to 4 weeks."
    ),
    ("mtus-chronic-pain-2016", "Insomnia treatment"): (
        "Treat with medication only after the cause of the sleep disturbance has been evaluated; insomnia that does "
        "not resolve in 7-10 days may point to a psychiatric or medical illness."
    ),
    ("mtus-chronic-pain-2016", "Tramadol (Ultram)"): (
        "A centrally acting synthetic opioid; not a first-line oral analgesic; its use follows the criteria for "
        "opioids."
    ),
    ("mtus-chronic-pain-2016", "Home health services"): (
        "Only for medical treatment of homebound patients, part-time or intermittent, generally up to 35 hours a "
        "week; homemaker services and personal care alone are not medical treatment."
    ),
    ("mtus-chronic-pain-2016", "Ultrasound, therapeutic"): (
        "Not recommended: little evidence that therapeutic ultrasound does better than placebo."
    ),
    ("mtus-chronic-pain-2016", "Low-Level Laser Therapy (LLLT)"): "Not recommended for chronic pain.",
    ("mtus-chronic-pain-2016", "Celebrex (celecoxib)"): (
        "A COX-2 selective NSAID for patients at risk of gastrointestinal complications, not for most patients."
    ),
    ("mtus-chronic-pain-2016", "Capsaicin, topical (chili pepper/cayenne pepper)"): (
        "Only as an option for patients who have not responded to, or cannot tolerate, other treatments."
    ),
    ("mtus-chronic-pain-2016", "Anti-inflammatory medications"): (
        "The usual first-line treatment, to reduce pain so that activity and functional restoration can resume; "
        "long-term use may not be warranted."
    ),
    ("mtus-chronic-pain-2016", "Aquatic therapy"): (
        "An optional form of exercise therapy, where available, instead of land-based therapy when reduced weight "
        "bearing is desirable (for example extreme obesity); the number of supervised visits is that of Physical "
        "medicine."
    ),
    ("mtus-chronic-pain-2016", "Massage therapy"): (
        "An adjunct to other recommended treatment such as exercise, limited to 4-6 visits in most cases."
    ),
    ("mtus-chronic-pain-2016", "Behavioral interventions"): (
        "Cognitive behavioral therapy for patients at risk of delayed recovery: consider a psychotherapy referral "
        "after 4 weeks without progress in physical medicine; an initial trial of 3-4 visits over 2 weeks, up to "
        "6-10 visits over 5-6 weeks with objective functional improvement."
    ),
    ("mtus-chronic-pain-2016", "Biofeedback"): (
        "Not a stand-alone treatment; an option within a cognitive behavioral program, with the same trial of 3-4 "
        "visits over 2 weeks and up to 6-10 visits over 5-6 weeks."
    ),
    ("mtus-chronic-pain-2016", "Functional restoration programs (FRPs)"): (
        "For selected patients, in programs with proven outcomes; no more than 2 weeks without demonstrated "
        "efficacy, and generally no more than 20 full-day sessions in all."
    ),
    ("mtus-chronic-pain-2009", "Physical Medicine"): (
        "The 2009 text: fading frequency plus a home program; 9-10 visits over 8 weeks for myalgia and myositis, "
        "8-10 visits over 4 weeks for neuralgia, neuritis and radiculitis, 24 visits over 16 weeks for CRPS."
    ),
    ("mtus-chronic-pain-2009", "Epidural steroid injections (ESIs)"): (
        "An option for radicular pain corroborated by imaging or electrodiagnostic testing that has not responded to "
        "conservative care; repeat blocks need at least 50% pain relief with less medication for 6-8 weeks."
    ),
    ("mtus-acupuncture-2007", "Acupuncture Medical Treatment Guidelines"): (
        "An option when pain medication is reduced or not tolerated, or with physical rehabilitation or surgery to "
        "hasten recovery: 3-6 treatments to produce functional improvement, 1-3 times a week, optimum duration 1-2 "
        "months; more only with documented functional improvement."
    ),
    ("mtus-low-back-2004", "Special Studies"): (
        "Imaging for red flags, or for unequivocal objective findings of specific nerve compromise in a patient who "
        "has not responded to treatment and would consider surgery; EMG with H-reflex may show subtle focal "
        "neurologic dysfunction in symptoms lasting more than 3-4 weeks."
    ),
    ("mtus-low-back-2004", "Physical Methods"): (
        "Manipulation is an option in the first month of symptoms without radiculopathy; passive modalities (traction, "
        "TENS, ultrasound) have little proven value; heat or cold applied at home is an option."
    ),
    ("mtus-neck-upper-back-2004", "Special Studies"): (
        "Imaging for a red flag, physiologic evidence of tissue insult or neurologic dysfunction, failure to progress "
        "in a strengthening program, or to clarify anatomy before an invasive procedure; EMG/NCV may show subtle focal "
        "neurologic dysfunction in symptoms lasting more than 3-4 weeks."
    ),
    ("mtus-shoulder-2004", "Special Studies"): (
        "No routine imaging in the first 4-6 weeks of activity limitation without a red flag; imaging for a red flag, "
        "physiologic evidence of tissue insult or neurovascular dysfunction, failure to progress in a strengthening "
        "program, or before an invasive procedure."
    ),
    ("mtus-shoulder-2004", "Surgical Considerations"): (
        "Surgical referral for red flags, activity limitation for more than 4 months, failure of an exercise program, "
        "and a lesion on imaging that surgery is shown to help."
    ),
    ("mtus-knee-2004", "Special Studies"): (
        "Most knee problems improve once red flags are ruled out; special studies are rarely needed before 4-6 weeks "
        "of conservative care; MRI may confirm a meniscal or ligament tear when surgery is considered."
    ),
    ("mtus-knee-2004", "Surgical Considerations"): (
        "Surgical referral for activity limitation for more than a month, failure of an exercise program, and "
        "clinical and imaging evidence of a lesion that surgery is shown to help."
    ),
    ("mtus-forearm-wrist-hand-2004", "Special Studies"): (
        "Special studies are rarely needed before 4-6 weeks of conservative care without a red flag; electrodiagnostic "
        "studies may confirm nerve entrapment such as carpal tunnel syndrome."
    ),
    ("mtus-ankle-foot-2004", "Special Studies"): (
        "Imaging is rarely needed in the first month without a red flag; after trauma, clinical decision rules guide "
        "the need for radiographs."
    ),
    (
        "mtus-opioids-2016",
        "3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment: Maintenance of Chronic Opioid Treatment",
    ): (
        "Continue chronic opioid treatment only with documented improvement in pain and function, no serious adverse "
        "effects and adherence to the treatment agreement; otherwise taper."
    ),
    (
        "mtus-opioids-2016",
        "3.3.6 Opioids for Chronic Pain and Chronic Opioid Treatment: Use of Urine Drug Testing (UDT)",
    ): ("Urine drug testing before chronic opioid treatment starts and periodically during it."),
    ("mtus-opioids-2016", "1.4 Opioids for Acute Pain: Opioids for Post-operative Pain"): (
        "Short-acting opioids at the lowest dose for the shortest time needed after surgery."
    ),
    ("mtus-postsurgical-2009", "Shoulder"): (
        "Postsurgical physical medicine after shoulder surgery; the initial course is half the general course, more "
        "with documented functional improvement within the postsurgical treatment period."
    ),
    ("mtus-postsurgical-2009", "Knee"): (
        "Postsurgical physical medicine after knee surgery; the initial course is half the general course, more with "
        "documented functional improvement within the postsurgical treatment period."
    ),
    ("mtus-postsurgical-2009", "Low Back"): (
        "Postsurgical physical medicine after lumbar surgery; the initial course is half the general course, more with "
        "documented functional improvement within the postsurgical treatment period."
    ),
    ("mtus-postsurgical-2009", "Forearm, Wrist, & Hand"): (
        "Postsurgical physical medicine after hand and wrist surgery; the initial course is half the general course, "
        "more with documented functional improvement within the postsurgical treatment period."
    ),
    ("mtus-postsurgical-2009", "Hip, Pelvis and Thigh"): (
        "Postsurgical physical medicine after hip and thigh surgery; the initial course is half the general course, "
        "more with documented functional improvement within the postsurgical treatment period."
    ),
    ("odg-neck-upper-back", "Manipulation"): (
        "Neck manipulation: an initial trial of 6 visits over 2-3 weeks, up to 18 visits over 6-8 weeks with "
        "objective functional improvement; more for severe (grade 3) strain."
    ),
    ("odg-pain", "Acupuncture"): (
        "An option for chronic pain with an initial trial, up to 8-12 visits over 4-6 weeks with functional "
        "improvement."
    ),
    ("odg-preface", "Physical Therapy Guidelines"): (
        "General rules for physical therapy: more active and less passive care over time, fading frequency, a home "
        "program from the first visit, a formal assessment after a six-visit trial, and exceptional factors noted when "
        "visits exceed the guideline."
    ),
}

# The ACOEM chapters adopted in the MTUS (2004, elbow 2007) share these section names; a chapter's own entry above wins.
ACOEM_CHAPTER_RECOMMENDATIONS: dict[str, str] = {
    "Initial Care": (
        "Conservative first care: education, activity modification, medication and instruction in home exercise, "
        "keeping the patient active."
    ),
    "Summary": "The chapter's summary table, rating each test and treatment as recommended, optional or not.",
    "Diagnostic Criteria": (
        "How the history and examination lead to a working diagnosis and reveal red flags that call for prompt "
        "referral or special studies."
    ),
    "Follow-up Visits": (
        "Regular re-evaluation during conservative care, more often when the patient is off work, with attention to "
        "function and return to work."
    ),
    "Activity Modification": "Keep the patient active, with modified duty where needed; avoid prolonged rest.",
    "Work-Relatedness": "How to judge whether work caused or aggravated the condition.",
    "Physical Methods": (
        "Home exercise and active therapy first; passive modalities only briefly and as the chapter allows."
    ),
    "General Approach": "Assess for red flags, treat conservatively and re-evaluate.",
}
ACOEM_MTUS_KEYS = frozenset(key for key, _chapter, year, title, *_rest in MTUS_SOURCES if title.startswith("ACOEM"))

# Sections that the quantity limits refer to and that may not be cited in the letters.
EXTRA_SECTIONS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "mtus-chronic-pain-2016": (
        ("Physical medicine treatment", None),
        ("Manual therapy & manipulation", None),
        ("Aquatic therapy", None),
        ("Massage therapy", None),
        ("Behavioral interventions", None),
        ("Biofeedback", None),
        ("Functional restoration programs (FRPs)", None),
    ),
    "mtus-chronic-pain-2009": (("Physical Medicine", "98-99"),),
    "mtus-acupuncture-2007": (("Acupuncture Medical Treatment Guidelines", None),),
    "mtus-postsurgical-2009": (
        ("Shoulder", None),
        ("Knee", None),
        ("Low Back", None),
        ("Forearm, Wrist, & Hand", None),
        ("Hip, Pelvis and Thigh", None),
    ),
    "odg-neck-upper-back": (("Manipulation", None),),
    "odg-pain": (("Acupuncture", None),),
    "odg-knee-leg": (("Physical therapy (PT)", None),),
    "odg-shoulder": (("Physical therapy (PT)", None),),
    "odg-forearm-wrist-hand": (("Physical therapy (PT)", None),),
    "odg-preface": (("Physical Therapy Guidelines", None),),
}

# --- quantity limits --------------------------------------------------------------------------------------------------


def _limit(treatment: str, condition: str, section: str, max_units: int, **values: Any) -> dict[str, Any]:
    limit = {"treatment": treatment, "condition": condition, "section": section, "max_units": max_units}
    limit.update({name: value for name, value in values.items() if value not in (None, "")})
    limit.setdefault("unit", "visits")
    return limit


_PM = "physical medicine"
_POST = "postsurgical physical medicine"
_CHIRO = "chiropractic manipulation"
_PM_SECTION = "Physical medicine treatment"
_FADING = "fading from up to 3 visits a week to 1 or less"
_NOT_RECOMMENDED_QUOTE = "Not recommended (CPMTG, Manual therapy & manipulation: ankle & foot, carpal tunnel, forearm, "
_NOT_RECOMMENDED_QUOTE += "wrist & hand, knee)"
# Postsurgical limits: the initial course is half the general course (8 CCR 9792.24.3), hence initial_trial.

# Quoted in the letters unless marked unconfirmed (see the `tools.extract_library` docstring).
_CPMT = "mtus-chronic-pain-2016"
_MANUAL = "Manual therapy & manipulation"
_ROTATOR_ARTHROSCOPIC = "arthroscopic rotator cuff or impingement surgery (shoulder)"
_ROTATOR_OPEN = "open rotator cuff or impingement surgery (shoulder)"
# fmt: off
QUANTITY_LIMITS: dict[str, list[dict[str, Any]]] = {
    # The 2009 edition's physical medicine limits (in force until 11/30/2016: the 2014 letter applied them), as the
    # library's own 2009 section summarizes them; not quoted in the letters, hence unconfirmed.
    "mtus-chronic-pain-2009": [
        _limit(_PM, "myalgia and myositis", "Physical Medicine", 10, min_units=9, weeks_max=8, frequency=_FADING,
               unconfirmed=True),
        _limit(_PM, "neuralgia, neuritis, and radiculitis", "Physical Medicine", 10, min_units=8, weeks_max=4,
               frequency=_FADING, unconfirmed=True),
        _limit(_PM, "reflex sympathetic dystrophy (CRPS)", "Physical Medicine", 24, weeks_max=16, frequency=_FADING,
               unconfirmed=True),
    ],
    _CPMT: [
        _limit(_PM, "myalgia and myositis", _PM_SECTION, 10, min_units=9, weeks_max=8, frequency=_FADING,
               quote="Myalgia and myositis, unspecified (ICD9 729.1): 9-10 visits over 8 weeks"),
        _limit(_PM, "neuralgia, neuritis, and radiculitis", _PM_SECTION, 10, min_units=8, weeks_max=4,
               frequency=_FADING,
               quote="Neuralgia, neuritis, and radiculitis, unspecified (ICD9 729.2) 8-10 visits over 4 weeks"),
        _limit(_PM, "reflex sympathetic dystrophy (CRPS)", _PM_SECTION, 26, weeks_max=16, frequency=_FADING,
               quote="Reflex sympathetic dystrophy (CRPS) (ICD9 337.2): 26 visits over 16 weeks"),
        _limit(_PM, "arthritis", _PM_SECTION, 9, weeks_max=8, frequency=_FADING,
               quote="Arthritis (ICD9 715): 9 visits over 8 weeks"),
        _limit(_PM, "post-injection treatment", _PM_SECTION, 2, min_units=1, weeks_max=1,
               quote="Post-injection treatment: 1-2 visits over 1 week"),
        _limit("aquatic therapy", "myalgia and myositis", "Aquatic therapy", 10, min_units=9, weeks_max=8,
               frequency=_FADING, unconfirmed=True),
        _limit("aquatic therapy", "neuralgia, neuritis, and radiculitis", "Aquatic therapy", 10, min_units=8,
               weeks_max=4, frequency=_FADING, unconfirmed=True),
        _limit(_CHIRO, "low back pain", _MANUAL, 18, initial_trial=6, total_max=18, weeks_min=6, weeks_max=8,
               quote="An initial trial of 6 visits over 2 weeks is recommended to establish objective functional "
               "improvement. A total up to 18 visits, over 6-8 weeks, may be appropriate with documentation of "
               "objective functional improvement."),
        _limit(_CHIRO, "knee (not recommended)", _MANUAL, 0, quote=_NOT_RECOMMENDED_QUOTE, unconfirmed=True),
        _limit(_CHIRO, "ankle and foot (not recommended)", _MANUAL, 0, quote=_NOT_RECOMMENDED_QUOTE,
               unconfirmed=True),
        _limit(_CHIRO, "forearm, wrist, and hand (not recommended)", _MANUAL, 0, quote=_NOT_RECOMMENDED_QUOTE,
               unconfirmed=True),
        _limit(_CHIRO, "carpal tunnel syndrome (not recommended)", _MANUAL, 0, quote=_NOT_RECOMMENDED_QUOTE,
               unconfirmed=True),
        _limit("massage", "", "Massage therapy", 6, min_units=4, unconfirmed=True),
        _limit("psychotherapy (cognitive behavioral therapy)", "", "Behavioral interventions", 10, min_units=6,
               initial_trial=4, total_max=10, weeks_min=5, weeks_max=6, unconfirmed=True),
        _limit("biofeedback", "", "Biofeedback", 10, min_units=6, initial_trial=4, total_max=10, weeks_min=5,
               weeks_max=6, unconfirmed=True),
        _limit("functional restoration program", "", "Functional restoration programs (FRPs)", 20, initial_trial=10,
               total_max=20, unit="full-day sessions", unconfirmed=True),
    ],
    "mtus-acupuncture-2007": [
        _limit("acupuncture", "", "Acupuncture Medical Treatment Guidelines", 6, min_units=3, weeks_min=4,
               weeks_max=8, unit="treatments", frequency="1 to 3 times a week",
               quote="(1) Time to produce functional improvement: 3 to 6 treatments. (2) Frequency: 1 to 3 times per "
               "week (3) Optimum duration: 1 to 2 months."),
    ],
    "mtus-postsurgical-2009": [
        _limit(_POST, _ROTATOR_ARTHROSCOPIC, "Shoulder", 24, weeks_max=14, initial_trial=12, unconfirmed=True),
        _limit(_POST, _ROTATOR_OPEN, "Shoulder", 30, weeks_max=18, initial_trial=15, unconfirmed=True),
        _limit(_POST, "meniscectomy (knee)", "Knee", 12, weeks_max=12, initial_trial=6, unconfirmed=True),
        _limit(_POST, "ACL repair (knee)", "Knee", 24, weeks_max=16, initial_trial=12, unconfirmed=True),
        _limit(_POST, "knee arthroplasty", "Knee", 24, weeks_max=10, initial_trial=12, unconfirmed=True),
        _limit(_POST, "discectomy or laminectomy (low back)", "Low Back", 16, weeks_max=8, initial_trial=8,
               unconfirmed=True),
        _limit(_POST, "lumbar fusion", "Low Back", 34, weeks_max=16, initial_trial=17, unconfirmed=True),
        _limit(_POST, "carpal tunnel release", "Forearm, Wrist, & Hand", 8, min_units=3, weeks_min=3, weeks_max=5,
               initial_trial=4, unconfirmed=True),
        _limit(_POST, "metacarpal fracture (hand)", "Forearm, Wrist, & Hand", 16, weeks_max=10, initial_trial=8,
               unconfirmed=True,
               quote="up to 16 visits of postoperative physical therapy following a fracture of the metacarpal bone"),
        _limit(_POST, "femur fracture (thigh)", "Hip, Pelvis and Thigh", 30, weeks_max=12, initial_trial=15,
               unconfirmed=True,
               quote="30 visits of postoperative physical therapy following the fracture of other and unspecified "
               "parts of femur"),
    ],
    "odg-neck-upper-back": [
        _limit(_CHIRO, "neck pain", "Manipulation", 18, initial_trial=6, total_max=18, weeks_min=6, weeks_max=8,
               quote="an initial trial of 6 visits over 2-3 weeks ... with evidence of objective functional "
               "improvement, total of up to 18 visits over 6-8 weeks"),
        _limit(_CHIRO, "severe (grade 3) cervical strain", "Manipulation", 25, initial_trial=10, total_max=25,
               weeks_max=26,
               quote="For severe (grade 3) cervical strain, ODG recommends an initial trial of 10 visits over 4-6 "
               "weeks and up to 25 visits over 6 months with evidence of objective functional improvement"),
    ],
    "odg-pain": [
        _limit("acupuncture", "", "Acupuncture", 12, min_units=8, weeks_min=4, weeks_max=6, unit="treatments",
               quote="limits acupuncture to 8-12 visits over 4-6 weeks"),
    ],
    "odg-knee-leg": [
        _limit(_PM, "sprains and strains (knee)", "Physical therapy (PT)", 12, weeks_max=8,
               quote="12 physical therapy sessions over 8 weeks for sprains and strains of the knee"),
    ],
    "odg-shoulder": [
        _limit(_PM, "rotator cuff syndrome or impingement syndrome, medical treatment (shoulder)",
               "Physical therapy (PT)", 10, weeks_max=8,
               quote="Rotator cuff syndrome/Impingement syndrome: Medical treatment: 10 visits over 8 weeks"),
        _limit(_PM, "sprains and strains (shoulder)", "Physical therapy (PT)", 10, weeks_max=8,
               quote="10 physical therapy visits over eight weeks for a sprain strain shoulder"),
        _limit(_PM, "post-injection treatment (shoulder)", "Physical therapy (PT)", 2, min_units=1, weeks_max=1,
               quote="Post-injection treatment: 1-2 visits over 1 week"),
        _limit(_POST, _ROTATOR_ARTHROSCOPIC, "Physical therapy (PT)", 24, weeks_max=14,
               quote="Post- surgical treatment, arthroscopic: 24 visits over 14 weeks"),
        _limit(_POST, _ROTATOR_OPEN, "Physical therapy (PT)", 30, weeks_max=18,
               quote="Post-surgical treatment, open: 30 visits over 18 weeks"),
    ],
    "odg-forearm-wrist-hand": [
        _limit(_PM, "minor fracture of phalanges (fingers)", "Physical therapy (PT)", 8, weeks_max=5,
               quote="Fracture of one or more phalanges of hand (fingers) (ICD9 816): Minor, 8 visits over 5 weeks"),
        _limit(_POST, "complicated fracture of phalanges (fingers)", "Physical therapy (PT)", 16, weeks_max=10,
               quote="Post-surgical treatment: Complicated, 16 visits over 10 weeks"),
    ],
}
# fmt: on
