"""The words of the generated rehabilitation records: what case managers write in
assessments, notes, contacts and tasks, what people say their goal is, what
providers report. Short, as they are typed in an office, in English with some
Malay, as the case managers of the programme write."""

# The person's own goal, in their words ({job}: the pre-injury job title, lower case).
GOALS = {
    "ms": (
        "Kembali bekerja sebagai {job}",
        "Saya nak kerja semula sebagai {job}, kerja yang lebih ringan",
        "Balik kerja di tempat lama",
        "Dapat kerja semula untuk tanggung keluarga",
        "Kerja dekat rumah, tak perlu angkat barang berat",
        "Buka perniagaan kecil sendiri",
        "Nak kerja balik sebelum hujung tahun",
        "Kembali bekerja, syif pagi sahaja",
    ),
    "en": (
        "Go back to work as a {job}",
        "Back to my old job as a {job}, lighter loads",
        "Any job near home so I can support my family",
        "Work again, even part-time at first",
        "Return to the same company, day shift only",
        "Learn something new and work in an office",
        "Start my own small business",
        "Be back at work by the end of the year",
    ),
}

# Notes by key issue, for an assessment that rates the issue.
ASSESSMENT_NOTES = {
    "medical": (
        "Fracture healed; still on painkillers.",
        "Lower back pain radiating to the left leg; MRI pending.",
        "Post-operative, reviewed monthly at the ortho clinic.",
        "Residual weakness of the right hand.",
        "Diabetes controlled; wound healing slowly.",
        "Knee replacement done; physio advised by surgeon.",
        "Still on MC until end of month.",
    ),
    "functional": (
        "Cannot lift more than 10 kg.",
        "Standing limited to about 30 minutes.",
        "Reduced grip strength on the dominant hand.",
        "Walks with a stick; stairs are difficult.",
        "Cannot ride a motorcycle yet.",
        "Fine hand work slow; writing tiring after 15 minutes.",
    ),
    "psychosocial": (
        "Worried about money; two children in school.",
        "Low mood since the accident, sleeping poorly.",
        "Supportive family; wife works part-time.",
        "Afraid of riding a motorcycle again after the accident.",
        "Risau tentang hutang kereta.",
        "Lives alone; relies on neighbours for transport.",
    ),
    "workplace": (
        "Employer willing to offer light duties.",
        "Supervisor not keen to take him back before full recovery.",
        "Small company, no light duties available.",
        "HR helpful; the job is kept open for now.",
        "Majikan sanggup beri kerja ringan di stor.",
        "Contract ended while on MC.",
    ),
    "vocational": (
        "SPM; no training beyond the current job.",
        "Interested in a forklift or store job.",
        "Good computer skills; could move to office work.",
        "Wants to learn a new trade.",
        "Has a class D licence and some sales experience.",
        "Ada pengalaman berniaga kecil-kecilan.",
    ),
}

WITHDRAWAL_REASONS = (
    "The person decided to return to work with the employer on their own.",
    "Moved back to the kampung to care for a parent; cannot attend sessions.",
    "Does not want the employer contacted any more.",
    "Tidak mahu meneruskan program atas nasihat keluarga.",
    "Found a job through a relative and no longer needs the programme.",
    "Says the sessions take too much time from the family business.",
)

REJECTION_REASONS = (
    "Intervention dates run past the target end date; please check.",
    "Add a work-site assessment before the vocational training.",
    "The pain programme needs a quotation from the provider.",
    "Goal is the same employer but the employer has not been contacted yet.",
    "Please confirm the person agreed to the plan (designed with the person).",
)

# What each kind of intervention is (InterventionKind values).
INTERVENTION_TEXT = {
    "physical": (
        "Physiotherapy twice a week: strengthening and range of movement",
        "Work hardening programme, six weeks",
        "Hand therapy and splinting",
        "Hydrotherapy and back care sessions",
    ),
    "pain": (
        "Pain management programme with the pain specialist",
        "Pain clinic review and graded activity",
    ),
    "vocational": (
        "Forklift licence course",
        "Basic computer skills course",
        "Retraining as a store clerk",
        "Security guard course (KPDN)",
    ),
    "job_placement": ("Job placement through JPESS: vacancies matched to capacity",),
    "counselling": (
        "Counselling for low mood after the accident",
        "Family counselling session",
        "Sesi kaunseling untuk tekanan perasaan",
    ),
    "worksite": (
        "Work-site assessment with the employer and HR",
        "Ergonomic assessment of the workstation",
    ),
    "assistive": (
        "Lumbar support and anti-fatigue mat",
        "Hand splint and adapted tools",
        "Walking stick and ankle-foot orthosis",
        "Magnifier and screen reader software",
    ),
    "other": (
        "Transport allowance to attend sessions",
        "Driving assessment",
    ),
}

REPORT_SUMMARIES = (
    "Completed all sessions; lifting capacity now 15 kg; fit for light duties.",
    "Good progress; recommends a graded return over four weeks.",
    "Attendance 80 %; pain down from 7/10 to 4/10.",
    "Completed the course and passed the final assessment.",
    "Recommends a height-adjustable workbench and regular breaks.",
    "Functional capacity evaluation done: medium work, no overhead lifting.",
    "Fit for work with restrictions for three months.",
)

# Case notes by the stage the case was in when they were written.
NOTES = {
    "assigned": (
        "Called the person to introduce myself and book the first assessment.",
        "Reviewed the referral and the medical board report before the first meeting.",
        "Tried to call twice, no answer. Sent SMS, akan cuba lagi esok.",
        "Person agreed to come to the office on Thursday with his wife.",
    ),
    "assessed": (
        "Explained the programme and the consent form; wants to discuss with family first.",
        "Main barrier is pain on lifting; employer open to lighter duties.",
        "Masih bimbang tentang kerja syif malam.",
        "Gave the consent form to take home.",
    ),
    "consented": (
        "Consent signed. Started drafting the plan with the person.",
        "Discussed plan options: physiotherapy first, then a work-site visit.",
        "Asked the provider for a quotation for the pain programme.",
    ),
    "plan_approved": (
        "Plan approved. Appointment with the provider being arranged.",
        "Told the person the plan is approved; dia setuju mula minggu depan.",
    ),
    "in_rehabilitation": (
        "Physio reports steady progress, grip strength improving.",
        "Missed two sessions because of transport. Discussed the bus route.",
        "Work-site visit with HR: light duties possible on the day shift.",
        "Pain still limits standing beyond an hour. Review with the doctor next month.",
        "Progress baik. Motivated to return by the end of the month.",
        "MC extended by the ortho clinic; plan dates may need to move.",
    ),
    "job_placement": (
        "Referred to JPESS; the placement officer will send suitable vacancies.",
        "Attended an interview at a warehouse; waiting for feedback.",
        "Updated the resume with the person; added the forklift licence.",
    ),
    "returned_to_work": (
        "Back at work since Monday, managing the hours.",
        "Employer says he is settling in well.",
    ),
    "follow_up": (
        "Follow-up call: still working, minor back pain in the evenings.",
        "Masih bekerja, majikan berpuas hati.",
        "Follow-up visit at the workplace; no problems reported.",
    ),
    "closure_pending": (
        "Closure requested; summary prepared for the supervisor.",
        "Final call done. The person thanked the team.",
    ),
}

CONTACT_SUMMARIES = {
    "person": (
        "Checked on progress and the next appointment.",
        "Reminded about the physio session on Tuesday.",
        "Discussed money worries while on leave; explained the TDB payments.",
        "Bincang tentang pengangkutan ke pusat rehabilitasi.",
    ),
    "employer": (
        "Spoke with HR about light duties on return.",
        "Employer confirmed the job is kept open for three more months.",
        "Asked about a phased return, half days for two weeks.",
    ),
    "doctor": (
        "Doctor agrees with a graded return to work.",
        "Asked for an updated medical report; the clinic will e-mail it.",
    ),
    "provider": (
        "Provider confirmed the first appointment.",
        "Provider reports good attendance and progress.",
        "Provider asked for the medical report before starting.",
    ),
    "family": (
        "His wife called: he is unwell this week, session moved.",
        "Talked with the son about helping with transport.",
    ),
    "other": (
        "Called the labour office about the employer's obligations.",
        "Spoke with the union representative at the factory.",
    ),
}
# Who the contact was with, by party (the person and the employer are named elsewhere).
PARTY_NAMES = {
    "doctor": (
        "Dr. Lim Wei Ming",
        "Dr. Nurul Huda",
        "Dr. Ravi Chandran",
        "Dr. Siti Aminah",
        "Dr. Tan Mei Ling",
        "Dr. Ahmad Faizal",
    ),
    "family": ("Wife", "Husband", "Son", "Daughter", "Mother", "Isteri", "Abang"),
    "other": ("Union representative", "Pegawai JTK", "Ketua kampung"),
}

TASKS = (
    "Call the person to check on physio attendance",
    "Get the updated medical report from the clinic",
    "Book a work-site visit with the employer",
    "Review the plan's progress with the supervisor",
    "Send the provider's report to the employer",
    "Semak laporan fisioterapi",
    "Follow up the call with HR",
    "Arrange transport for the next session",
)
