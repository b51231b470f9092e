"""Injuries and diseases for synthetic cases, by route: industrial accidents,
commuting accidents (mostly motorcycles in Malaysia), occupational diseases,
and the illnesses behind invalidity claims (stroke, heart disease, diabetes
complications), each with the body part and an ICD-10 code."""

from typing import NamedTuple


class Condition(NamedTuple):
    description: str
    body_part: str
    icd10: str
    weight: int


INDUSTRIAL = (
    Condition("Hand caught in the rollers of a machine; crushed fingers", "Right hand", "S67.1", 8),
    Condition("Traumatic amputation of two fingers at a press machine", "Left hand", "S68.2", 5),
    Condition("Fall from scaffolding; fracture of a lumbar vertebra", "Lower back", "S32.0", 7),
    Condition(
        "Fall from height at a construction site; fractured heel bone", "Right foot", "S92.0", 4
    ),
    Condition("Struck by a falling object; concussion", "Head", "S06.0", 4),
    Condition("Deep cut from a cutting tool; tendon injury of the wrist", "Left wrist", "S66.1", 6),
    Condition("Back strain while lifting a heavy load", "Lower back", "S33.5", 9),
    Condition("Slipped on a wet floor; torn meniscus of the knee", "Right knee", "S83.2", 5),
    Condition("Twisted ankle stepping off a loading bay", "Left ankle", "S93.4", 4),
    Condition("Burn from molten metal", "Right forearm", "T22.2", 3),
    Condition("Metal fragment in the eye while grinding", "Right eye", "S05.5", 3),
    Condition("Forklift ran over the foot; fractured metatarsals", "Left foot", "S92.3", 3),
    Condition("Shoulder dislocation while pulling a pallet", "Right shoulder", "S43.0", 3),
    Condition("Electric shock at a switchboard; burns to the hand", "Left hand", "T23.2", 2),
    Condition("Fractured forearm caught between a lorry and a wall", "Right forearm", "S52.5", 3),
    Condition("Spinal cord injury after a fall from a roof", "Spine", "S24.1", 1),
)
COMMUTING = (
    Condition(
        "Motorcycle accident on the way to work; fractured shin bone", "Right leg", "S82.2", 14
    ),
    Condition(
        "Motorcycle accident on the way home; fractured thigh bone", "Left thigh", "S72.3", 7
    ),
    Condition("Motorcycle accident; fractured collarbone", "Right shoulder", "S42.0", 6),
    Condition("Motorcycle accident; traumatic brain injury", "Head", "S06.2", 4),
    Condition("Car accident on the way to work; whiplash injury of the neck", "Neck", "S13.4", 5),
    Condition("Motorcycle accident; fractured wrist", "Left wrist", "S62.1", 5),
    Condition("Motorcycle accident; torn knee ligaments", "Right knee", "S83.5", 4),
    Condition("Hit by a car while walking to the bus stop; fractured pelvis", "Pelvis", "S32.8", 2),
    Condition("Motorcycle accident; fracture of the cervical spine", "Neck", "S12.9", 1),
    Condition("Motorcycle accident; below-knee amputation", "Left leg", "S88.1", 1),
)
OCCUPATIONAL_DISEASE = (
    Condition("Noise-induced hearing loss", "Ears", "H83.3", 9),
    Condition("Carpal tunnel syndrome from repetitive work", "Both wrists", "G56.0", 6),
    Condition("Chronic low back pain from manual handling", "Lower back", "M54.5", 8),
    Condition("Occupational asthma", "Lungs", "J45.0", 3),
    Condition("Irritant contact dermatitis of the hands", "Both hands", "L24.5", 3),
    Condition("Rotator cuff syndrome from overhead work", "Right shoulder", "M75.1", 4),
    Condition("Silicosis", "Lungs", "J62.8", 1),
    Condition("Lead poisoning", "Whole body", "T56.0", 1),
    Condition("Lumbar disc prolapse from heavy lifting", "Lower back", "M51.1", 4),
)
ILLNESS = (
    Condition("Stroke (cerebral infarction) with weakness of one side", "Brain", "I63.9", 12),
    Condition("Stroke (intracerebral haemorrhage)", "Brain", "I61.9", 4),
    Condition("Heart attack", "Heart", "I21.9", 5),
    Condition("Chronic ischaemic heart disease", "Heart", "I25.1", 5),
    Condition("Heart failure", "Heart", "I50.0", 3),
    Condition("Diabetes with foot ulcer; toe amputation", "Right foot", "E11.5", 6),
    Condition("Diabetic retinopathy with loss of vision", "Eyes", "E11.3", 4),
    Condition("Diabetic kidney disease on dialysis", "Kidneys", "E11.2", 4),
    Condition("End-stage kidney disease", "Kidneys", "N18.5", 3),
    Condition("Breast cancer after treatment", "Breast", "C50.9", 2),
    Condition("Major depressive episode", "Mind", "F32.2", 2),
    Condition("Lumbar spinal stenosis", "Lower back", "M48.0", 2),
    Condition("Road accident outside work; spinal cord injury", "Spine", "S34.1", 1),
)
