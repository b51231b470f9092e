import pytest
from django.test import Client
from tests.security import matrix as m

@pytest.fixture
def world(aisyah, bala, chong, devi, ehsan, farid, gopal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return m.build_world(dict(aisyah=aisyah, bala=bala, chong=chong, devi=devi, ehsan=ehsan, farid=farid, gopal=gopal))

def test_discover(world):
    lines = []
    for name in m.every_route():
        try:
            method, url = m.route_url(name, world)
        except Exception as e:
            lines.append(f"ERR {name} {e!r}"); continue
        for meth in ((method,) if name.startswith("api:") else ("GET", "POST")):
            row = []
            for actor in m.ACTORS:
                c = Client()
                if actor != "anon":
                    c.force_login(world.users[actor])
                try:
                    r = c.generic(meth, url, b"{}" if name.startswith("api:") else "", content_type="application/json" if name.startswith("api:") else "application/x-www-form-urlencoded")
                    row.append(f"{actor}={m.outcome(r)}")
                except Exception as e:
                    row.append(f"{actor}=EXC:{type(e).__name__}")
            lines.append(f"{meth} {name} {url} :: " + " ".join(row))
            open("/tmp/discover.txt", "w").write("\n".join(lines))
