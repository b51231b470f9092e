"""Load the reference data files in kembali/reference/data/ into the database.

The data migrations call these with their historical models, so the functions
take the model classes instead of importing them. Every loader is idempotent:
running it again changes nothing, and a corrected file updates rows in place.
"""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH = 1000


def read_rows(name: str, data_dir: Path = DATA_DIR) -> list[dict[str, str]]:
    with open(data_dir / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def occupation_search_text(title: str, alternative_titles: str) -> str:
    # Must match Occupation.save(): bulk_create does not call save().
    return f"{title}|{alternative_titles}".lower()


def load_states(State) -> int:
    rows = read_rows("states.csv")
    for row in rows:
        State.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_ms": row["name_ms"],
                "is_federal_territory": row["is_federal_territory"] == "true",
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
            },
        )
    return len(rows)


def load_isco_groups(IscoGroup) -> int:
    rows = read_rows("isco08_groups.csv")
    existing = {g.code: g for g in IscoGroup.objects.all()}
    new, changed = [], []
    # Parents come before children in the file (sorted by code), but insert level
    # by level anyway so a foreign key check never sees a missing parent.
    for row in sorted(rows, key=lambda r: (int(r["level"]), r["code"])):
        values = {
            "level": int(row["level"]),
            "title": row["title"],
            "title_ms": row["title_ms"],
            "parent_id": row["parent"] or None,
        }
        group = existing.get(row["code"])
        if group is None:
            new.append(IscoGroup(code=row["code"], **values))
        elif any(getattr(group, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(group, k, v)
            changed.append(group)
    for level in (1, 2, 3, 4):
        IscoGroup.objects.bulk_create(
            [g for g in new if g.level == level], batch_size=BATCH, ignore_conflicts=True
        )
    if changed:
        IscoGroup.objects.bulk_update(
            changed, ["level", "title", "title_ms", "parent_id"], batch_size=BATCH
        )
    return len(rows)


def load_occupations(Occupation) -> int:
    rows = read_rows("esco_occupations.csv")
    existing = {
        o.esco_uri: o
        for o in Occupation.objects.only(
            "id", "esco_uri", "isco_unit_id", "title", "alternative_titles", "search_text"
        )
    }
    new, changed = [], []
    for row in rows:
        values = {
            "isco_unit_id": row["isco_unit_group"],
            "title": row["title"],
            "alternative_titles": row["alternative_titles"],
            "search_text": occupation_search_text(row["title"], row["alternative_titles"]),
        }
        occupation = existing.get(row["esco_uri"])
        if occupation is None:
            new.append(Occupation(esco_uri=row["esco_uri"], **values))
        elif any(getattr(occupation, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(occupation, k, v)
            changed.append(occupation)
    Occupation.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    if changed:
        Occupation.objects.bulk_update(changed, list(values), batch_size=BATCH)
    return len(rows)
