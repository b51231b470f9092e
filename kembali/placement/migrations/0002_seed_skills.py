"""The skills vocabulary for matching: the coarse, checkable skills a job placement
officer records and an employer asks for. Each keeps its bit for ever (the matching
index stores bits), so new skills take the next free bit and old ones are retired
with is_active=False, never renumbered."""

from django.db import migrations

SKILLS = [
    # (code, English, Malay)
    ("forklift-licence", "Forklift licence", "Lesen forklift"),
    ("driving-licence-d", "Driving licence class D (car)", "Lesen memandu kelas D (kereta)"),
    ("driving-licence-e", "Driving licence class E (lorry)", "Lesen memandu kelas E (lori)"),
    ("driving-licence-b2", "Motorcycle licence (B2)", "Lesen motosikal (B2)"),
    ("gdl-psv", "Goods or passenger vehicle licence (GDL/PSV)", "Lesen GDL/PSV"),
    ("computer-literacy", "Basic computer use", "Penggunaan komputer asas"),
    ("office-software", "Word processing and spreadsheets", "Pemprosesan kata dan hamparan"),
    ("data-entry", "Data entry", "Kemasukan data"),
    ("customer-service", "Customer service", "Khidmat pelanggan"),
    ("call-centre", "Call centre work", "Kerja pusat panggilan"),
    ("cashier", "Cashier and point of sale", "Juruwang dan tempat jualan"),
    ("retail-sales", "Retail sales", "Jualan runcit"),
    ("bookkeeping", "Bookkeeping", "Simpan kira"),
    ("payroll", "Payroll", "Penggajian"),
    ("reception", "Reception and front desk", "Penyambut tetamu dan kaunter hadapan"),
    ("filing-admin", "Filing and office administration", "Pemfailan dan pentadbiran pejabat"),
    ("english", "Spoken and written English", "Bahasa Inggeris lisan dan bertulis"),
    ("mandarin", "Spoken Mandarin", "Bahasa Mandarin lisan"),
    ("tamil", "Spoken Tamil", "Bahasa Tamil lisan"),
    ("welding", "Welding", "Kimpalan"),
    ("electrical-wiring", "Electrical wiring (wireman)", "Pendawaian elektrik (pendawai)"),
    ("plumbing", "Plumbing", "Paip"),
    ("carpentry", "Carpentry", "Pertukangan kayu"),
    ("machine-operation", "Machine operation", "Pengendalian mesin"),
    ("cnc-machining", "CNC machining", "Pemesinan CNC"),
    ("quality-inspection", "Quality inspection", "Pemeriksaan kualiti"),
    ("electronics-assembly", "Electronics assembly", "Pemasangan elektronik"),
    ("sewing", "Sewing and tailoring", "Jahitan"),
    ("food-handling", "Food handling certificate", "Sijil pengendali makanan"),
    ("cooking", "Cooking", "Masakan"),
    ("baking", "Baking and pastry", "Pembuatan roti dan pastri"),
    ("housekeeping", "Housekeeping and cleaning", "Pengemasan dan pembersihan"),
    ("security-guard", "Security guard training", "Latihan pengawal keselamatan"),
    ("warehouse", "Warehouse and stock keeping", "Gudang dan penyimpanan stok"),
    ("packing", "Packing", "Pembungkusan"),
    ("logistics-dispatch", "Dispatch and delivery", "Penghantaran"),
    ("motor-mechanic", "Motor vehicle repair", "Pembaikan kenderaan bermotor"),
    ("aircond-service", "Air-conditioner servicing", "Servis penghawa dingin"),
    ("graphic-design", "Graphic design", "Reka bentuk grafik"),
    ("social-media", "Social media and online selling", "Media sosial dan jualan dalam talian"),
    ("first-aid", "First aid", "Pertolongan cemas"),
    ("caregiving", "Caring for children or older people", "Penjagaan kanak-kanak atau warga emas"),
    ("agriculture", "Farming and plantation work", "Pertanian dan kerja ladang"),
    ("landscaping", "Gardening and landscaping", "Berkebun dan landskap"),
    ("hairdressing", "Hairdressing and beauty", "Dandanan rambut dan kecantikan"),
    ("osh", "Occupational safety and health (OSH)", "Keselamatan dan kesihatan pekerjaan (KKP)"),
    ("supervision", "Supervising a team", "Menyelia pasukan"),
    ("sign-language", "Malaysian Sign Language (BIM)", "Bahasa Isyarat Malaysia (BIM)"),
]


def seed(apps, schema_editor):
    Skill = apps.get_model("placement", "Skill")
    for bit, (code, name, name_ms) in enumerate(SKILLS):
        Skill.objects.update_or_create(
            code=code, defaults={"bit": bit, "name": name, "name_ms": name_ms}
        )


def unseed(apps, schema_editor):
    apps.get_model("placement", "Skill").objects.filter(
        code__in=[code for code, _, _ in SKILLS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("placement", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
