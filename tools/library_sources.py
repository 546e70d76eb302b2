"""The guideline sources the library knows, curated (not extracted): every MTUS chapter with its year and title,
the ODG and ACOEM chapters' names, the topics recognized in citations outside the MTUS, and the treatment categories
of sections. Used by `tools.extract_library`."""

from __future__ import annotations

# --- the sources ------------------------------------------------------------------------------------------------------

_ACOEM_2004 = "ACOEM Occupational Medicine Practice Guidelines, 2nd Edition (2004)"
_CPMTG = "Chronic Pain Medical Treatment"
_MTUS_2007, _ACOEM_END = "2007-06-15", "2017-11-30"
# (key, chapter, year, title, other names the letters use, effective_from, effective_to, body region)
# The dates each edition was in force (8 CCR 9792.20 et seq.): the MTUS took in ACOEM's 2nd edition (2004) chapters and
# the Acupuncture guidelines on 06/15/2007 (OAL approval of the first MTUS); the 2009 amendments added the Chronic Pain
# and Postsurgical guidelines and the revised Elbow chapter from 07/18/2009; the 2016 Chronic Pain and Opioids
# guidelines replaced the 2009 ones from 12/01/2016; the ACOEM guidelines incorporated from 12/01/2017 replaced the
# 2004 chapters (DWC, "Evidence-Based Updates to the MTUS, effective December 1, 2017"). Stress Related Conditions is
# not in that list: its end is not recorded. The Elbow chapter's start is not confirmed from the regulation's text.
# fmt: off
MTUS_SOURCES: tuple[tuple[str, str, int, str, tuple[str, ...], str | None, str | None, str], ...] = (
    ("mtus-chronic-pain-2016", _CPMTG, 2016, f"{_CPMTG} Guidelines (8 CCR 9792.24.2)", (), "2016-12-01", None, ""),
    ("mtus-chronic-pain-2009", _CPMTG, 2009, f"{_CPMTG} Guidelines (2009)",
     (f"{_CPMTG} Guidelines", "Chronic Pain Treatment Guidelines"), "2009-07-18", "2016-11-30", ""),
    ("mtus-low-back-2004", "Low Back Complaints", 2004, f"{_ACOEM_2004}, Chapter 12", (),
     _MTUS_2007, _ACOEM_END, "lumbar"),
    ("mtus-shoulder-2004", "Shoulder Complaints", 2004, f"{_ACOEM_2004}, Chapter 9", (),
     _MTUS_2007, _ACOEM_END, "shoulder"),
    ("mtus-acupuncture-2007", "Acupuncture Treatment", 2007,
     "Acupuncture Medical Treatment Guidelines (8 CCR 9792.24.1)", (), _MTUS_2007, None, ""),
    ("mtus-neck-upper-back-2004", "Neck and Upper Back Complaints", 2004, f"{_ACOEM_2004}, Chapter 8", (),
     _MTUS_2007, _ACOEM_END,
     "cervical"),
    ("mtus-knee-2004", "Knee Complaints", 2004, f"{_ACOEM_2004}, Chapter 13", (), _MTUS_2007, _ACOEM_END, "knee"),
    ("mtus-opioids-2016", "Opioid Treatment", 2016, "Opioids Treatment Guidelines (8 CCR 9792.24.4)", (), "2016-12-01",
     None, ""),
    ("mtus-general-approaches-2004", "General Approaches", 2004, _ACOEM_2004, (), _MTUS_2007, _ACOEM_END, ""),
    ("mtus-elbow-2007", "Elbow Disorders", 2007, "ACOEM Elbow Disorders (Revised 2007)", ("Elbow Complaints 2007",),
     "2009-07-18", _ACOEM_END, "elbow"),
    ("mtus-forearm-wrist-hand-2004", "Forearm, Wrist, and Hand Complaints", 2004, f"{_ACOEM_2004}, Chapter 11", (),
     _MTUS_2007, _ACOEM_END, "wrist_hand"),
    ("mtus-postsurgical-2009", "Postsurgical Treatment", 2009, "Postsurgical Treatment Guidelines (8 CCR 9792.24.3)",
     (), "2009-07-18", None, ""),
    ("mtus-ankle-foot-2004", "Ankle and Foot Complaints", 2004, f"{_ACOEM_2004}, Chapter 14", (),
     _MTUS_2007, _ACOEM_END,
     "ankle_foot"),
    ("mtus-stress-2004", "Stress Related Conditions", 2004, f"{_ACOEM_2004}, Chapter 15", (), _MTUS_2007, None, ""),
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
ACOEM_3RD = "ACOEM Occupational Medicine Practice Guidelines, 3rd Edition"
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

IMAGING_TOPICS = {
    "MR arthrogram",
    "MRI (magnetic resonance imaging)",
    "CT (computed tomography)",
    "X-rays (radiography)",
    "Bone scan",
    "Trigger point impedance imaging (TPII)",
}
# In the ODG Preface, physical therapy and manipulation are its general guidelines.
PREFACE_TOPICS = {"Physical therapy (PT)": "Physical Therapy Guidelines", "Manipulation": "Chiropractic Guidelines"}


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
