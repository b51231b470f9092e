"""Industries, the occupations injured workers hold in them, wages and the
physical demands of jobs: the shapes the generator draws employers, work
histories and vacancies from.

Weights lean towards manufacturing, construction, transport and services, as
SOCSO's accident reports do."""

from typing import NamedTuple


class Job(NamedTuple):
    isco: str  # ISCO-08 unit group
    title: str
    weight: int


class Industry(NamedTuple):
    code: str
    name: str  # the Employer.industry text
    weight: float  # share of injured workers
    name_words: tuple[str, ...]  # words for employer names
    jobs: tuple[Job, ...]


INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "manufacturing",
        "Manufacturing",
        30,
        (
            "Industries",
            "Manufacturing",
            "Electronics",
            "Plastics",
            "Metal Works",
            "Precision Engineering",
            "Food Industries",
            "Furniture",
            "Rubber Products",
            "Packaging",
        ),
        (
            Job("8219", "Production operator", 20),
            Job("8212", "Electronics assembler", 10),
            Job("9329", "Factory general worker", 18),
            Job("7212", "Welder", 6),
            Job("7223", "CNC machine operator", 5),
            Job("8142", "Plastic moulding operator", 5),
            Job("8160", "Food processing machine operator", 5),
            Job("7522", "Furniture maker", 3),
            Job("8344", "Forklift driver", 5),
            Job("9321", "Packer", 6),
            Job("7233", "Maintenance mechanic", 4),
            Job("3115", "Production technician", 3),
            Job("3122", "Production supervisor", 2),
            Job("4321", "Store clerk", 2),
            Job("7543", "Quality inspector", 3),
            Job("8141", "Rubber products machine operator", 3),
        ),
    ),
    Industry(
        "construction",
        "Construction",
        16,
        (
            "Construction",
            "Pembinaan",
            "Builders",
            "Engineering & Construction",
            "Kontraktor",
            "Development",
            "Civil Works",
        ),
        (
            Job("9313", "Construction general worker", 22),
            Job("7112", "Bricklayer", 8),
            Job("7115", "Carpenter", 8),
            Job("7114", "Concrete worker", 7),
            Job("7119", "Scaffolder", 5),
            Job("7411", "Building electrician", 6),
            Job("7126", "Plumber", 5),
            Job("7212", "Welder", 4),
            Job("8342", "Excavator operator", 4),
            Job("8343", "Crane operator", 3),
            Job("7131", "Painter", 4),
            Job("3123", "Site supervisor", 3),
            Job("7214", "Steel bar bender", 4),
            Job("8332", "Lorry driver", 3),
        ),
    ),
    Industry(
        "transport",
        "Transport and storage",
        11,
        (
            "Logistics",
            "Transport",
            "Freight",
            "Express",
            "Haulage",
            "Shipping",
            "Warehousing",
        ),
        (
            Job("8332", "Lorry driver", 20),
            Job("8322", "Van driver", 10),
            Job("8321", "Despatch rider", 12),
            Job("9333", "Warehouse assistant", 15),
            Job("8344", "Forklift driver", 8),
            Job("4321", "Warehouse clerk", 6),
            Job("8331", "Bus driver", 6),
            Job("9621", "Delivery worker", 8),
            Job("7231", "Vehicle mechanic", 5),
            Job("4323", "Transport clerk", 3),
        ),
    ),
    Industry(
        "retail",
        "Wholesale and retail trade",
        12,
        (
            "Trading",
            "Enterprise",
            "Mart",
            "Hypermarket",
            "Supermarket",
            "Hardware",
            "Motors",
        ),
        (
            Job("5223", "Shop assistant", 25),
            Job("5230", "Cashier", 15),
            Job("9334", "Shelf filler", 10),
            Job("5222", "Shop supervisor", 5),
            Job("7231", "Motorcycle mechanic", 6),
            Job("9333", "Store helper", 8),
            Job("8322", "Delivery driver", 6),
            Job("4110", "Office clerk", 5),
            Job("5242", "Sales promoter", 5),
            Job("1420", "Store manager", 2),
        ),
    ),
    Industry(
        "food",
        "Accommodation and food service",
        8,
        (
            "Restaurant",
            "Catering",
            "Hotel",
            "Resort",
            "Food Court",
            "Kopitiam",
            "Bakery",
        ),
        (
            Job("5120", "Cook", 20),
            Job("9412", "Kitchen helper", 20),
            Job("5131", "Waiter", 20),
            Job("9112", "Room attendant", 10),
            Job("5246", "Food stall worker", 8),
            Job("4224", "Hotel receptionist", 5),
            Job("5151", "Housekeeping supervisor", 3),
            Job("7512", "Baker", 4),
        ),
    ),
    Industry(
        "plantation",
        "Agriculture, forestry and fishing",
        7,
        (
            "Plantations",
            "Agro",
            "Estate",
            "Ladang",
            "Timber",
            "Fisheries",
            "Palm Oil",
        ),
        (
            Job("9211", "Plantation worker", 30),
            Job("6112", "Oil palm harvester", 15),
            Job("6210", "Logging worker", 6),
            Job("9215", "Forestry labourer", 5),
            Job("8341", "Tractor driver", 6),
            Job("6221", "Aquaculture worker", 4),
            Job("6222", "Fisherman", 5),
            Job("8172", "Sawmill operator", 5),
            Job("3142", "Agricultural technician", 2),
        ),
    ),
    Industry(
        "support",
        "Administrative and support services",
        8,
        (
            "Security Services",
            "Cleaning Services",
            "Facility Management",
            "Services",
            "Manpower",
            "Landscaping",
        ),
        (
            Job("5414", "Security guard", 35),
            Job("9112", "Cleaner", 30),
            Job("9214", "Gardener", 8),
            Job("5153", "Building caretaker", 5),
            Job("4110", "Administrative clerk", 5),
            Job("9622", "Odd-job worker", 5),
        ),
    ),
    Industry(
        "public",
        "Health, education and public services",
        5,
        (
            "Medical Centre",
            "Specialist Hospital",
            "Education",
            "Learning Centre",
            "Clinic",
            "Care Centre",
        ),
        (
            Job("3221", "Nurse", 15),
            Job("5321", "Healthcare assistant", 12),
            Job("2341", "Primary school teacher", 5),
            Job("4110", "Clerk", 10),
            Job("9112", "Hospital cleaner", 10),
            Job("5311", "Child care worker", 8),
            Job("3256", "Medical assistant", 5),
            Job("2221", "Staff nurse", 5),
        ),
    ),
    Industry(
        "office",
        "Finance, ICT and professional services",
        3,
        (
            "Consulting",
            "Technologies",
            "Solutions",
            "Systems",
            "Holdings",
            "Capital",
        ),
        (
            Job("4110", "Office clerk", 20),
            Job("4311", "Accounts clerk", 12),
            Job("2512", "Software developer", 6),
            Job("3512", "IT support technician", 8),
            Job("4222", "Call centre agent", 12),
            Job("3322", "Sales executive", 10),
            Job("1211", "Finance manager", 2),
            Job("2411", "Accountant", 4),
        ),
    ),
)

# Median monthly wage in RM by ISCO major group (DOSM salaries and wages survey,
# rounded). The generator draws around it; the national minimum wage is RM1,700
# (since February 2025).
MEDIAN_WAGE = {
    "0": 3500,
    "1": 7000,
    "2": 5200,
    "3": 3400,
    "4": 2500,
    "5": 2100,
    "6": 1900,
    "7": 2400,
    "8": 2300,
    "9": 1900,
}
MINIMUM_WAGE = 1700

COMPANY_PREFIXES = (
    "Jaya",
    "Maju",
    "Sinar",
    "Cahaya",
    "Teguh",
    "Gemilang",
    "Bersatu",
    "Sejahtera",
    "Murni",
    "Wawasan",
    "Perdana",
    "Mega",
    "Borneo",
    "Semenanjung",
    "Harmoni",
    "Kinabalu",
    "Kenyalang",
    "Chin Hup",
    "Hup Seng",
    "Soon Lee",
    "Kim Loong",
    "Guan Huat",
    "Sin Heng",
    "Tong Seng",
    "Sri Murugan",
    "Ganesh",
    "Lakshmi",
    "Pacific",
    "Eastern",
    "Golden",
    "Evergreen",
    "Pelangi",
    "Setia",
    "Mutiara",
    "Delima",
    "Intan",
    "Permata",
    "Suria",
    "Bintang",
)
COMPANY_SUFFIXES = ("Sdn Bhd", "Sdn Bhd", "Sdn Bhd", "Bhd", "Enterprise", "Trading")

# Strength level weights (sedentary .. very heavy) by ISCO major group.
STRENGTH_WEIGHTS = {
    "0": (5, 20, 40, 30, 5),
    "1": (60, 35, 5, 0, 0),
    "2": (55, 35, 10, 0, 0),
    "3": (30, 40, 22, 8, 0),
    "4": (70, 28, 2, 0, 0),
    "5": (10, 45, 35, 10, 0),
    "6": (0, 10, 40, 40, 10),
    "7": (0, 10, 40, 40, 10),
    "8": (5, 20, 45, 27, 3),
    "9": (0, 20, 40, 35, 5),
}
# Heaviest lift (kg) per strength level: low and high of the draw.
LIFT_RANGE = {1: (0, 5), 2: (5, 10), 3: (10, 25), 4: (25, 50), 5: (50, 70)}

# Typical demand levels (0-3) by ISCO major group, in the order of
# standing_walking, sitting, fine_hand_use, vision, hearing, speech, driving, cognitive_load.
DEMAND_BASE = {
    "0": (3, 1, 2, 3, 2, 2, 1, 2),
    "1": (1, 3, 1, 2, 2, 3, 1, 3),
    "2": (1, 3, 2, 2, 2, 3, 0, 3),
    "3": (2, 2, 2, 2, 2, 2, 1, 2),
    "4": (1, 3, 2, 2, 2, 2, 0, 2),
    "5": (3, 1, 2, 2, 2, 3, 0, 1),
    "6": (3, 0, 2, 2, 1, 1, 1, 1),
    "7": (3, 1, 3, 3, 1, 1, 0, 1),
    "8": (2, 2, 2, 3, 2, 1, 1, 1),
    "9": (3, 0, 1, 2, 1, 1, 0, 0),
}
# Drivers and mobile plant operators drive most of the day.
DRIVING_UNITS = {"8321", "8322", "8331", "8332", "8341", "8342", "8343", "8344"}
