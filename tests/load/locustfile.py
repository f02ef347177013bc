"""Load on the office's server: logged-in people of three roles doing their day's work.

Run by tests/load/run.sh (`make loadtest`), which seeds the demo data and starts gunicorn; by hand:
    locust -f tests/load/locustfile.py --headless -u 50 -r 5 --host https://127.0.0.1:8765

Each simulated person logs in once with a demo account, then works with a few seconds' pause between
pages, as a person reading a page does. A page counts as failed on any status but 200, or when it
ends on the login form (the session was lost).
"""

import json
import os
import random
import re
from pathlib import Path

import gevent
import urllib3
from locust import HttpUser, between, task

# The test server's certificate is self-signed and the connection never leaves this machine.
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

PASSWORDS = {
    "pimpinan": "demo-pimpinan-blitar",
    "staf": "demo-staf-blitar",
    "pendamping": "demo-pendamping-blitar",
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WAIT = (float(os.environ.get("LOAD_WAIT_MIN", "3")), float(os.environ.get("LOAD_WAIT_MAX", "10")))
# Measured: DURATION seconds, once everyone has logged in and worked WARMUP seconds more (each gunicorn
# thread's first requests open its database connection and compile the templates).
DURATION = int(os.environ.get("LOAD_DURATION", "60"))
WARMUP = int(os.environ.get("LOAD_WARMUP", "10"))
LOGINS_JSON = os.environ.get("LOAD_LOGINS_JSON")
CPU_JSON = os.environ.get("LOAD_CPU_JSON")
logged_in = 0
# Whose CPU the measured time went to, by process name: the server, the database, this load.
CPU_OF = {"gunicorn": "server", "postgres": "database", "locust": "load generator"}


def cpu_seconds() -> dict:
    """CPU seconds used so far by the processes of each kind in CPU_OF, and by the whole machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(CPU_OF.values(), 0.0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().rsplit(")", 1)
        except OSError:  # the process ended meanwhile
            continue
        kind = next(
            (kind for prefix, kind in CPU_OF.items() if name.split("(", 1)[1].startswith(prefix)), None
        )
        if kind:
            # Its own time and that of its children that have ended (PostgreSQL replaces a
            # connection's process now and then: its time goes to the postmaster's children).
            used[kind] += sum(int(value) for value in fields.split()[11:15]) / ticks
    machine = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    used["machine busy"] = (
        sum(int(value) for index, value in enumerate(machine) if index not in (3, 4)) / ticks
    )
    used["machine"] = sum(int(value) for value in machine) / ticks
    return used


def write_cpu_share(before: dict) -> None:
    """Each kind's share of the machine's CPU time over the measured seconds."""
    after = cpu_seconds()
    spent = {kind: after[kind] - before[kind] for kind in after}
    total = spent.pop("machine") or 1
    Path(CPU_JSON).write_text(
        json.dumps({kind: round(100 * value / total, 1) for kind, value in spent.items()})
    )


def start_measuring(environment):
    """Keep the logins' figures aside, count afresh, and stop after DURATION seconds."""
    login = environment.stats.get("login", "POST")
    figures = {
        "logins": login.num_requests,
        "failures": login.num_failures,
        "p50_ms": login.get_response_time_percentile(0.5),
        "p95_ms": login.get_response_time_percentile(0.95),
    }
    if LOGINS_JSON:
        Path(LOGINS_JSON).write_text(json.dumps(figures))
    environment.stats.reset_all()
    before = cpu_seconds() if CPU_JSON else None

    def stop():
        if before is not None:
            write_cpu_share(before)
        environment.runner.quit()

    gevent.spawn_later(DURATION, stop)


def person_logged_in(environment):
    global logged_in
    logged_in += 1
    if logged_in == environment.runner.target_user_count:
        gevent.spawn_later(WARMUP, start_measuring, environment)


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(*WAIT)

    def on_start(self):
        self.client.verify = False
        form = self.client.get("/masuk/", name="login form")
        token = CSRF.search(form.text).group(1)
        with self.client.post(
            "/masuk/",
            data={"username": self.role, "password": PASSWORDS[self.role], "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/masuk/"},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login {self.role}: {response.status_code}")
        person_logged_in(self.environment)

    def page(self, url, name, *, follow=False):
        """GET a page that must answer 200 (after its redirects, when follow)."""
        with self.client.get(url, name=name, allow_redirects=follow, catch_response=True) as response:
            if response.status_code == 0:
                response.failure(f"no answer: {response.error!r}")
            elif response.status_code != 200:
                response.failure(f"{response.status_code} instead of 200")
            elif "/masuk/" in response.url:
                response.failure("sent back to the login form")
            return response


class Pimpinan(Person):
    """The head of the office: dashboards and the cohort download."""

    role = "pimpinan"
    weight = 10

    @task(5)
    def dashboard(self):
        self.page("/", "dashboard")

    @task(2)
    def coverage(self):
        self.page("/cakupan/", "coverage")

    @task(2)
    def kecamatan(self):
        self.page(f"/kecamatan/{random.randint(1, 22)}/", "kecamatan page")

    @task(1)
    def registry_dashboard(self):
        self.page("/registri/dasbor/", "registry dashboard")

    @task(1)
    def cohort_export(self):
        self.page("/program/2/peserta/ekspor/?format=xlsx", "export cohort .xlsx")


class Staf(Person):
    """Office staff: the registry and the programme's lists, now and then a download."""

    role = "staf"
    weight = 25

    @task(4)
    def registry_list(self):
        self.page(f"/registri/?page={random.randint(1, 50)}", "registry list")

    @task(2)
    def registry_search(self):
        word = random.choice(["keripik", "batik", "kopi", "sari", "jaya"])
        self.page(f"/registri/?q={word}", "registry search")

    @task(2)
    def registry_filtered(self):
        kecamatan, sector = random.randint(1, 22), random.randint(1, 9)
        self.page(f"/registri/?kecamatan={kecamatan}&sector={sector}", "registry filtered")

    @task(2)
    def business(self):
        self.page(f"/registri/{random.randint(1, 34675)}/", "business page")

    @task(2)
    def sessions(self):
        self.page("/sesi/?program=2", "session list")

    @task(1)
    def cohort(self):
        self.page("/program/2/peserta/", "cohort")

    @task(1)
    def spending(self):
        self.page("/program/2/belanja/", "spending list")

    @task(1)
    def registry_export(self):
        self.page(f"/registri/ekspor/?format=csv&kecamatan={random.randint(1, 22)}", "export registry .csv")


class Pendamping(Person):
    """A field coach: their businesses and sessions, and a session entered after a visit."""

    role = "pendamping"
    weight = 15

    @task(3)
    def my_sessions(self):
        self.page("/sesi-saya/", "my sessions", follow=True)

    @task(2)
    def my_businesses(self):
        self.page("/binaan-saya/", "my businesses", follow=True)

    @task(1)
    def dashboard(self):
        self.page("/", "dashboard")

    @task(2)
    def enter_session(self):
        form = self.page("/program/2/sesi/baru/", "session form")
        if form.status_code != 200:
            return
        html = form.text
        kecamatan = re.search(r'<select name="kecamatan"[^>]*>.*?<option value="(\d+)" selected', html, re.S)
        data = {
            "csrfmiddlewaretoken": CSRF.search(html).group(1),
            "held_on": re.search(r'name="held_on" value="([^"]+)"', html).group(1),
            "kind": re.search(r'<select name="kind"[^>]*>.*?<option value="([^"]+)"', html, re.S).group(1),
            "topics": re.findall(r'name="topics" value="(\d+)"', html)[:2],
            "kecamatan": kecamatan.group(1) if kecamatan else "1",
            "hours": "2",
            "venue": "Balai desa",
            "notes": "Pendampingan pemasaran daring (uji beban).",
            "attendees": re.findall(r'name="attendees" value="(\d+)"', html)[:3],
        }
        with self.client.post(
            "/program/2/sesi/baru/",
            data=data,
            headers={"Referer": f"{self.host}/program/2/sesi/baru/"},
            allow_redirects=False,
            name="session entry (save)",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                errors = re.findall(r'class="invalid-feedback[^"]*"[^>]*>\s*<strong>([^<]+)', response.text)
                response.failure(f"not saved ({response.status_code}): {errors[:2]}")
