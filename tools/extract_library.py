"""Build the seeded guideline library (format "imr-guidelines/1") from published IMR letters.

    python -m tools.extract_library /work/shared/imr/letters/text -o guidelines/data/library.json

Every "<label> guideline:" line of every letter (the claims administrator's and the review organization's) is read
with `guidelines.citations.parse_guideline_line`. MTUS citations give the chapter and its sections (2016 letters) or
pages (2014 letters); citations outside the MTUS are free text, from which the ODG or ACOEM chapter and the topic are
recognized by the keyword tables below (several chapters or topics in one citation each count). A section's
`times_cited` is the number of guideline lines that cite it; a source's `times_cited` the number that cite it at all.

The rest is curated here, not extracted: every MTUS chapter with its year and title, the ODG and ACOEM chapters'
names, a short recommendation for the common sections (written for this library, never copied from the guideline),
sections that the quantity limits need but the letters do not cite (times_cited 0), and the quantity limits. A limit
marked "unconfirmed" was not quoted in the letters: its numbers are from the regulation text as remembered and must
be checked against it before a reviewer relies on them.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidelines.citations import MtusCitation, normalize_whitespace, parse_guideline_line
from guidelines.quantity import body_regions, treatment_kind

FORMAT = "imr-guidelines/1"
EVIDENCE_RANK = {"MTUS": 1, "ACOEM": 2, "ODG": 2, "OTHER": 3}

# --- the sources ------------------------------------------------------------------------------------------------------

_ACOEM_2004 = "ACOEM Occupational Medicine Practice Guidelines, 2nd Edition (2004)"
_CPMTG = "Chronic Pain Medical Treatment"
# (key, chapter, year, title, other names the letters use, effective_from, effective_to, body region)
# fmt: off
MTUS_SOURCES: tuple[tuple[str, str, int, str, tuple[str, ...], str | None, str | None, str], ...] = (
    ("mtus-chronic-pain-2016", _CPMTG, 2016, f"{_CPMTG} Guidelines (8 CCR 9792.24.2)", (), "2016-12-01", None, ""),
    ("mtus-chronic-pain-2009", _CPMTG, 2009, f"{_CPMTG} Guidelines (2009)",
     (f"{_CPMTG} Guidelines", "Chronic Pain Treatment Guidelines"), "2009-07-18", "2016-11-30", ""),
    ("mtus-low-back-2004", "Low Back Complaints", 2004, f"{_ACOEM_2004}, Chapter 12", (), None, None, "lumbar"),
    ("mtus-shoulder-2004", "Shoulder Complaints", 2004, f"{_ACOEM_2004}, Chapter 9", (), None, None, "shoulder"),
    ("mtus-acupuncture-2007", "Acupuncture Treatment", 2007,
     "Acupuncture Medical Treatment Guidelines (8 CCR 9792.24.1)", (), None, None, ""),
    ("mtus-neck-upper-back-2004", "Neck and Upper Back Complaints", 2004, f"{_ACOEM_2004}, Chapter 8", (), None, None,
     "cervical"),
    ("mtus-knee-2004", "Knee Complaints", 2004, f"{_ACOEM_2004}, Chapter 13", (), None, None, "knee"),
    ("mtus-opioids-2016", "Opioid Treatment", 2016, "Opioids Treatment Guidelines (8 CCR 9792.24.4)", (), "2016-12-01",
     None, ""),
    ("mtus-general-approaches-2004", "General Approaches", 2004, _ACOEM_2004, (), None, None, ""),
    ("mtus-elbow-2007", "Elbow Disorders", 2007, "ACOEM Elbow Disorders (Revised 2007)", ("Elbow Complaints 2007",),
     None, None, "elbow"),
    ("mtus-forearm-wrist-hand-2004", "Forearm, Wrist, and Hand Complaints", 2004, f"{_ACOEM_2004}, Chapter 11", (),
     None, None, "wrist_hand"),
    ("mtus-postsurgical-2009", "Postsurgical Treatment", 2009, "Postsurgical Treatment Guidelines (8 CCR 9792.24.3)",
     (), "2009-07-18", None, ""),
    ("mtus-ankle-foot-2004", "Ankle and Foot Complaints", 2004, f"{_ACOEM_2004}, Chapter 14", (), None, None,
     "ankle_foot"),
    ("mtus-stress-2004", "Stress Related Conditions", 2004, f"{_ACOEM_2004}, Chapter 15", (), None, None, ""),
)
# fmt: on

# ODG chapters: (key, chapter as ODG names it, pattern in a citation, body region). Tried in order, several may match.
ODG_CHAPTERS: tuple[tuple[str, str, str, str], ...] = (
    ("odg-low-back", "Low Back - Lumbar & Thoracic (Acute & Chronic)", r"low(?:er)? back|\blumbar", "lumbar"),
    ("odg-neck-upper-back", "Neck and Upper Back (Acute & Chronic)", r"\bneck\b", "cervical"),
    ("odg-shoulder", "Shoulder (Acute & Chronic)", r"shoulder", "shoulder"),
    ("odg-elbow", "Elbow (Acute & Chronic)", r"elbow", "elbow"),
    ("odg-carpal-tunnel", "Carpal Tunnel Syndrome (Acute & Chronic)", r"carpal tunnel", "wrist_hand"),
    ("odg-forearm-wrist-hand", "Forearm, Wrist, & Hand (Acute & Chronic)", r"forearm|wrist|\bhand\b", "wrist_hand"),
    ("odg-hip-pelvis", "Hip & Pelvis (Acute & Chronic)", r"\bhips?\b", "hip"),
    ("odg-knee-leg", "Knee & Leg (Acute & Chronic)", r"\bknee\b", "knee"),
    ("odg-ankle-foot", "Ankle & Foot (Acute & Chronic)", r"\bankle\b|\bfoot\b", "ankle_foot"),
    ("odg-head", "Head (trauma, headaches, etc., not including stress & mental disorders)", r"\bhead\b", "head"),
    ("odg-pain", "Pain (Chronic)", r"\bpain\b(?!\s*/)", ""),
    ("odg-fitness-for-duty", "Fitness for Duty", r"fitness for duty", ""),
    ("odg-hernia", "Hernia (Acute & Chronic)", r"hernia", "abdomen"),
    ("odg-preface", "Preface", r"\bpreface\b", ""),
)
ACOEM_CHAPTERS: tuple[tuple[str, str, str, str], ...] = (
    ("acoem-low-back-disorders", "Low Back Disorders", r"low back", "lumbar"),
    ("acoem-cervical-thoracic-spine", "Cervical and Thoracic Spine Disorders", r"\bneck\b|cervical", "cervical"),
    ("acoem-shoulder-disorders", "Shoulder Disorders", r"shoulder", "shoulder"),
    ("acoem-hip-groin-disorders", "Hip and Groin Disorders", r"\bhip\b|groin", "hip"),
    ("acoem-knee-disorders", "Knee Disorders", r"\bknee\b", "knee"),
    ("acoem-hand-wrist-forearm", "Hand, Wrist, and Forearm Disorders", r"\bhand\b|wrist|forearm", "wrist_hand"),
    ("acoem-elbow-disorders", "Elbow Disorders", r"elbow", "elbow"),
    ("acoem-ankle-foot", "Ankle and Foot Disorders", r"ankle|foot", "ankle_foot"),
    ("acoem-chronic-pain", "Chronic Pain", r"chronic pain", ""),
)
_ACOEM_3RD = "ACOEM Occupational Medicine Practice Guidelines, 3rd Edition"
ACOEM_2ND_EDITION = ("acoem-2nd-edition-2004", "Occupational Medicine Practice Guidelines, 2nd Edition", 2004)

# ODG/ACOEM topics as the letters write them, and the one name each is kept under.
TOPICS: tuple[tuple[str, str], ...] = (
    (r"mr arthrogra", "MR arthrogram"),
    (r"\bmri'?s?\b|magnetic resonance", "MRI (magnetic resonance imaging)"),
    (r"\bct\b|computed tomography", "CT (computed tomography)"),
    (r"x-?rays?\b|radiograph", "X-rays (radiography)"),
    (r"bone scan", "Bone scan"),
    (r"trigger point impedance|\btpii\b", "Trigger point impedance imaging (TPII)"),
    (
        r"\bemg\b|electromyograph|\bncs\b|\bncv\b|nerve conduction|electrodiagnostic|\beds\b",
        "Electrodiagnostic studies",
    ),
    (r"acupuncture", "Acupuncture"),
    (r"manipulation|chiropractic", "Manipulation"),
    (r"physical (?:therapy|medicine)|physical/occupational|\bpt\b", "Physical therapy (PT)"),
    (r"platelet[- ]rich|\bprp\b", "Platelet-rich plasma (PRP)"),
    (r"durable medical equipment|\bdme\b", "Durable medical equipment (DME)"),
    (r"pillow", "Pillow"),
    (r"splint", "Splinting"),
    (r"shock ?wave|\beswt\b", "Extracorporeal shock wave therapy (ESWT)"),
    (r"hyperstimulation", "Hyperstimulation analgesia"),
    (r"preoperative lab", "Preoperative lab testing"),
    (r"preoperative testing", "Preoperative testing, general"),
    (r"flexibility", "Flexibility"),
    (r"heat therapy", "Heat therapy"),
    (r"adhesiolysis", "Adhesiolysis, percutaneous"),
    (r"epidural steroid|\besis?\b", "Epidural steroid injections (ESIs)"),
    (r"\btens\b|transcutaneous", "TENS (transcutaneous electrical nerve stimulation)"),
    (r"hearing aid", "Hearing aids"),
    (r"functional capacity", "Functional capacity evaluation (FCE)"),
    (r"home health", "Home health services"),
    (r"transportation", "Transportation (to & from appointments)"),
    (r"benzodiazepine", "Benzodiazepines"),
    (r"lidoderm|lidocaine patch", "Lidoderm (lidocaine patch)"),
    (r"voltaren", "Voltaren Gel (diclofenac)"),
    (r"diclofenac", "Diclofenac"),
    (r"topical analgesic", "Topical analgesics"),
    (r"cyclobenzaprine|flexeril", "Cyclobenzaprine (Flexeril)"),
    (r"opioid-induced constipation|\boic\b", "Opioid-induced constipation treatment"),
    (r"opioids, specific drug list", "Opioids, specific drug list"),
    (r"\bimaging\b", "Imaging"),
    (r"summary of recommendations", "Summary of Recommendations"),
)

_IMAGING_TOPICS = {
    "MR arthrogram",
    "MRI (magnetic resonance imaging)",
    "CT (computed tomography)",
    "X-rays (radiography)",
    "Bone scan",
    "Trigger point impedance imaging (TPII)",
}
# In the ODG Preface, physical therapy and manipulation are its general guidelines.
_PREFACE_TOPICS = {"Physical therapy (PT)": "Physical Therapy Guidelines", "Manipulation": "Chiropractic Guidelines"}

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
_ACOEM_MTUS_KEYS = frozenset(key for key, _chapter, year, title, *_rest in MTUS_SOURCES if title.startswith("ACOEM"))

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

# Quoted in the letters unless marked unconfirmed (see the module docstring).
_CPMT = "mtus-chronic-pain-2016"
_MANUAL = "Manual therapy & manipulation"
_ROTATOR_ARTHROSCOPIC = "arthroscopic rotator cuff or impingement surgery (shoulder)"
_ROTATOR_OPEN = "open rotator cuff or impingement surgery (shoulder)"
# fmt: off
QUANTITY_LIMITS: dict[str, list[dict[str, Any]]] = {
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

# Treatment categories of sections, tried before the quantity parser's treatment kinds.
CATEGORY_RULES: tuple[tuple[str, str], ...] = (
    (r"special studies|\bmri|\bct\b|x-?ray|imaging|bone scan|arthrogra|radiograph", "imaging"),
    (r"electro-?diagnostic|\bemg\b|\bncs\b|nerve conduction", "electrodiagnostic"),
    (
        r"opioid|nsaid|relaxant|topical|analgesic|lidoderm|gabapentin|benzodiazep|proton pump|tramadol|capsaicin|"
        r"celebrex|drug|medication|constipation|insomnia|antiepilep|flector|diclofenac|voltaren|cyclobenzaprine",
        "medication",
    ),
    (r"physical medicine|physical therapy|physical methods|aquatic", "physical_therapy"),
    (r"manipulation|chiropract", "chiropractic"),
    (r"acupuncture", "acupuncture"),
    (r"massage", "massage"),
    (r"behavioral|biofeedback|psycholog|stress", "psychotherapy"),
    (r"tens\b|ultrasound|laser|shock ?wave|heat therapy|hyperstimulation|impedance", "physical_modality"),
    (r"injection|\besi|platelet|adhesiolysis", "injections"),
    (r"surg|postsurgical", "surgery"),
    (r"equipment|pillow|splint|hearing aid", "durable_medical_equipment"),
    (r"lab testing|preoperative testing", "lab_test"),
    (r"home health", "home_health"),
    (r"transportation", "transportation"),
    (r"office visit|follow-up|diagnostic criteria|functional capacity|work-relatedness|assessment", "evaluation"),
    (r"functional restoration", "functional_restoration"),
)

# --- reading the letters ----------------------------------------------------------------------------------------------

_GUIDELINE_BLOCK_RE = re.compile(
    r"^[ \t]*((?:Claims Administrator|[A-Z][A-Za-z0-9&.,'/ -]{0,80}?) guideline:.*?)"
    r"(?=\n[ \t]*\n|\n[ \t]*(?:[A-Z][A-Za-z0-9&.,'/ -]{0,80}? guideline:|Decision rationale:)|\Z)",
    re.DOTALL | re.MULTILINE,
)


def letter_text(path: Path) -> str:
    """A letter as pdftotext printed it, without form feeds (a page break falls inside a paragraph as often as
    between two); a double-spaced letter (the 2014 format puts an empty
    line after every line) is closed up, keeping its whitespace-only lines as paragraph breaks."""
    text = path.read_text(encoding="utf-8", errors="replace").replace("\f", "")
    lines = text.split("\n")
    filled = [index for index, line in enumerate(lines) if line.strip()]
    followed_by_empty = sum(1 for index in filled if index + 1 < len(lines) and lines[index + 1] == "")
    if filled and followed_by_empty / len(filled) > 0.8:
        lines = [line for line in lines if line != ""]
    return "\n".join(lines)


def guideline_lines(text: str) -> list[str]:
    """Every "<label> guideline: ..." line of a letter, joined onto one line."""
    return [normalize_whitespace(match.group(1)) for match in _GUIDELINE_BLOCK_RE.finditer(text)]


# --- classifying citations --------------------------------------------------------------------------------------------


@dataclass
class Extraction:
    """What the letters cite: per source key, the lines citing it; per (source key, section), the lines citing it."""

    letters: int = 0
    lines: int = 0
    unreadable: list[str] = field(default_factory=list)
    unattributed: Counter[str] = field(default_factory=Counter)
    sources: Counter[str] = field(default_factory=Counter)
    sections: Counter[tuple[str, str]] = field(default_factory=Counter)
    pages: dict[tuple[str, str], str] = field(default_factory=dict)
    new_sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    def total_section_citations(self) -> int:
        return sum(self.sections.values())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def _mtus_key(chapter: str) -> tuple[str, str, int | None]:
    """The source key of an MTUS chapter as cited ("Elbow Complaints 2007"), with its chapter name and year."""
    for key, name, year, _title, aliases, *_rest in MTUS_SOURCES:
        if chapter in (f"{name} {year}", *aliases):
            return key, name, year
    match = re.match(r"^(?P<name>.*?)\s+(?P<year>(?:19|20)\d\d)$", chapter)
    name, year = (match.group("name"), int(match.group("year"))) if match else (chapter, None)
    for key, known, known_year, *_rest in MTUS_SOURCES:
        if known.lower() == name.lower() and (year is None or year == known_year):
            return key, known, known_year
    return "mtus-" + _slug(chapter), name, year


def _mtus_citations(citation: MtusCitation, extraction: Extraction) -> set[tuple[str, str | None]]:
    key, name, year = _mtus_key(citation.chapter)
    if not any(key == known for known, *_ in MTUS_SOURCES) and key not in extraction.new_sources:
        extraction.new_sources[key] = {"family": "MTUS", "chapter": name, "year": year}
    cited: set[tuple[str, str | None]] = {(key, None)}
    for section in citation.sections:
        if re.fullmatch(r"[\d\s,-]+", section):
            # A page number printed where a section belongs ("Section(s): 326"): the chapter is cited, no section.
            continue
        cited.add((key, section))
        if citation.pages:
            extraction.pages[(key, section)] = citation.pages
    return cited


def _topics(text: str) -> list[str]:
    lowered = text.lower()
    found = []
    for pattern, name in TOPICS:
        match = re.search(pattern, lowered)
        if match:
            found.append((match.start(), name))
            if name == "MR arthrogram":
                lowered = re.sub(pattern, " ", lowered)
    names = list(dict.fromkeys(name for _, name in sorted(found)))
    if "Imaging" in names and set(names) & _IMAGING_TOPICS:
        # "Indications for imaging -- MRI", "Magnetic Resonance Imaging": the study named is the topic.
        names.remove("Imaging")
    return names


def _chapters(text: str, table: tuple[tuple[str, str, str, str], ...]) -> list[str]:
    lowered = text.lower()
    keys = [key for key, _chapter, pattern, _region in table if re.search(pattern, lowered)]
    if "odg-carpal-tunnel" in keys and "odg-forearm-wrist-hand" in keys and not re.search(r"forearm|wrist", lowered):
        keys.remove("odg-forearm-wrist-hand")
    return keys


def _family(piece: str, previous: str | None) -> str | None:
    """ "ACOEM", "ACOEM 2nd edition", "ODG" or None; a piece that names no family continues the one before it."""
    lowered = piece.lower()
    if re.search(r"\bacoem\b", lowered):
        return "ACOEM"
    if re.search(r"harris j|occupational medicine practice guidelines, 2nd", lowered):
        return "ACOEM 2nd edition"
    if re.search(r"official disability guidelines|\bodg\b", lowered):
        return "ODG"
    return previous or ("ODG" if _chapters(piece, ODG_CHAPTERS) else None)


def _non_mtus_citations(text: str, extraction: Extraction) -> set[tuple[str, str | None]]:
    """The (source key, topic) pairs that one citation outside the MTUS names; pieces are split at ";" and where
    another guideline begins ("... ODG ... and ACOEM Hip and Groin Disorders, MRI")."""
    cited: set[tuple[str, str | None]] = set()
    pieces = [piece for part in text.split(";") for piece in re.split(r"(?=\bACOEM\b|\bHarris J\b)", part)]
    family: str | None = None
    previous: list[str] = []
    for piece in pieces:
        piece = piece.strip(" ,.")
        if not piece:
            continue
        family = _family(piece, family)
        topics = _topics(piece)
        keys: list[str] = []
        if family == "ACOEM":
            keys = _chapters(piece, ACOEM_CHAPTERS)
        elif family == "ACOEM 2nd edition":
            keys = [ACOEM_2ND_EDITION[0]]
        elif family == "ODG":
            keys = _chapters(piece, ODG_CHAPTERS)
            if not keys and re.search(
                r"physical (?:therapy|medicine) guidelines|chiropractic guidelines", piece.lower()
            ):
                keys = ["odg-preface"]
        if not keys and topics and previous:
            # "Low Back, Electrodiagnostic Studies (EDS); Nerve Conduction Studies (NCS)": the same chapter.
            keys = previous
        if not keys:
            extraction.unattributed[piece] += 1
            continue
        previous = keys
        for key in keys:
            cited.add((key, None))
            names = [_PREFACE_TOPICS.get(topic, topic) for topic in topics] if key == "odg-preface" else topics
            cited.update((key, name) for name in names)
    return cited


def extract(paths: Iterable[Path]) -> Extraction:
    """Count, over the letters at `paths`, how many guideline lines cite each source and each section."""
    extraction = Extraction()
    for path in paths:
        extraction.letters += 1
        for line in guideline_lines(letter_text(path)):
            extraction.lines += 1
            try:
                _party, _organization, basis = parse_guideline_line(line)
            except ValueError:
                extraction.unreadable.append(f"{path.name}: {line}")
                continue
            cited: set[tuple[str, str | None]] = set()
            for citation in basis.mtus:
                cited |= _mtus_citations(citation, extraction)
            for text in basis.non_mtus:
                cited |= _non_mtus_citations(text, extraction)
            for key, section in cited:
                if section is None:
                    extraction.sources[key] += 1
                else:
                    extraction.sections[(key, section)] += 1
    _merge_spellings(extraction)
    return extraction


def _same_name(first: str, second: str) -> bool:
    if re.sub(r"[^a-z0-9]", "", first.lower()) == re.sub(r"[^a-z0-9]", "", second.lower()):
        return True
    if first[:1].isdigit() or second[:1].isdigit() or abs(len(first) - len(second)) > 2:
        return False
    return difflib.SequenceMatcher(None, first.lower(), second.lower()).ratio() >= 0.9


def _merge_spellings(extraction: Extraction) -> None:
    """Count "Inital Care" as "Initial Care" and "Electro-diagnostic" as "Electrodiagnostic": within a source, a
    spelling is merged into a close one that is curated or cited more often."""
    curated = {(key, name) for key, sections in EXTRA_SECTIONS.items() for name, _ in sections}
    curated |= set(RECOMMENDATIONS)
    names = sorted(
        extraction.sections, key=lambda item: (-((item in curated) * 10**6 + extraction.sections[item]), item)
    )
    canonical: list[tuple[str, str]] = [item for item in curated if item not in extraction.sections]
    for item in names:
        target = next((kept for kept in canonical if kept[0] == item[0] and _same_name(kept[1], item[1])), None)
        if target is None:
            canonical.append(item)
            continue
        extraction.sections[target] += extraction.sections.pop(item)
        if item in extraction.pages:
            extraction.pages.setdefault(target, extraction.pages.pop(item))


# --- building the library ---------------------------------------------------------------------------------------------


def _category(name: str) -> str:
    lowered = name.lower()
    for pattern, category in CATEGORY_RULES:
        if re.search(pattern, lowered):
            return category
    return treatment_kind(name) or "general"


def _section(key: str, name: str, *, region: str, times_cited: int, pages: str | None) -> dict[str, Any]:
    section: dict[str, Any] = {"name": name}
    if pages:
        section["pages"] = pages
    regions = body_regions(name) if key.startswith("mtus-postsurgical") or not region else ()
    if region or regions:
        section["body_region"] = region or regions[0]
    section["treatment_category"] = _category(name)
    if (key, name) in RECOMMENDATIONS:
        section["recommendation"] = RECOMMENDATIONS[(key, name)]
    elif key in _ACOEM_MTUS_KEYS and name in ACOEM_CHAPTER_RECOMMENDATIONS:
        section["recommendation"] = ACOEM_CHAPTER_RECOMMENDATIONS[name]
    section["times_cited"] = times_cited
    return section


def _source_entries(extraction: Extraction) -> list[dict[str, Any]]:
    entries = []
    for key, chapter, year, title, _aliases, start, end, region in MTUS_SOURCES:
        entry = {"key": key, "family": "MTUS", "title": title, "chapter": chapter, "year": year}
        entry.update(evidence_rank=EVIDENCE_RANK["MTUS"], effective_from=start, effective_to=end)
        entries.append((entry, region))
    for key, values in sorted(extraction.new_sources.items()):
        entry = {"key": key, "family": "MTUS", "title": "", "chapter": values["chapter"], "year": values["year"]}
        entry.update(evidence_rank=EVIDENCE_RANK["MTUS"], effective_from=None, effective_to=None)
        entries.append((entry, ""))
    cited = set(extraction.sources) | {key for key, _ in extraction.sections}
    for family, table, title in (
        ("ODG", ODG_CHAPTERS, "Official Disability Guidelines"),
        ("ACOEM", ACOEM_CHAPTERS, _ACOEM_3RD),
    ):
        for key, chapter, _pattern, region in table:
            if key in cited or key in EXTRA_SECTIONS or key in QUANTITY_LIMITS:
                entry = {"key": key, "family": family, "title": title, "chapter": chapter, "year": None}
                entry.update(evidence_rank=EVIDENCE_RANK[family], effective_from=None, effective_to=None)
                entries.append((entry, region))
    key, chapter, year = ACOEM_2ND_EDITION
    if key in cited:
        entry = {
            "key": key,
            "family": "ACOEM",
            "title": "ACOEM Occupational Medicine Practice Guidelines",
            "chapter": chapter,
            "year": year,
            "evidence_rank": 2,
            "effective_from": None,
            "effective_to": None,
        }
        entries.append((entry, ""))
    result = []
    for entry, region in entries:
        key = entry["key"]
        names = {name for source, name in extraction.sections if source == key}
        extra = dict(EXTRA_SECTIONS.get(key, ()))
        names |= set(extra)
        entry["times_cited"] = extraction.sources[key]
        entry["sections"] = [
            _section(
                key,
                name,
                region=region,
                times_cited=extraction.sections[(key, name)],
                pages=extraction.pages.get((key, name)) or extra.get(name),
            )
            for name in sorted(names, key=lambda name: (-extraction.sections[(key, name)], name))
        ]
        limits = QUANTITY_LIMITS.get(key, [])
        if limits:
            entry["quantity_limits"] = limits
        result.append(entry)
    return result


def build_library(extraction: Extraction) -> dict[str, Any]:
    """The "imr-guidelines/1" document: the curated sources with the sections the letters cite and how often."""
    return {
        "format": FORMAT,
        "generated_from": {
            "letters": extraction.letters,
            "guideline_lines": extraction.lines,
            "section_citations": extraction.total_section_citations(),
        },
        "sources": _source_entries(extraction),
    }


def letter_paths(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.txt"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("letters", type=Path, help="a folder of letters as pdftotext -layout text (*.txt)")
    parser.add_argument("-o", "--output", type=Path, help="write the library here (default: standard output)")
    arguments = parser.parse_args(argv)
    extraction = extract(letter_paths(arguments.letters))
    document = json.dumps(build_library(extraction), indent=2, ensure_ascii=False) + "\n"
    if arguments.output:
        arguments.output.write_text(document, encoding="utf-8")
    else:
        sys.stdout.write(document)
    print(
        f"{extraction.letters} letters, {extraction.lines} guideline lines, "
        f"{extraction.total_section_citations()} section citations, {len(extraction.unreadable)} unreadable lines, "
        f"{sum(extraction.unattributed.values())} citations outside the MTUS not attributed to a guideline chapter",
        file=sys.stderr,
    )
    for text, count in extraction.unattributed.most_common():
        print(f"  not attributed ({count}): {text}", file=sys.stderr)
    for line in extraction.unreadable:
        print(f"  unreadable: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
