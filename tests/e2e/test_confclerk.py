"""A real schedule client reads our export: Debian's ConfClerk (a Qt app for frab/pentabarf
schedule.xml) downloads ``/<event>/schedule.xml`` from the live server into its own SQLite
database, which is then checked against the file it was served.

ConfClerk has no command line, so the test runs it under ``xvfb-run`` and presses its
"Reload Conference" key (Ctrl+R) with ``xdotool``, after registering the conference URL in
ConfClerk's database (its "Manage Conferences" dialog stores exactly that row).  Skipped,
saying which, where ``confclerk``, ``xvfb-run`` or ``xdotool`` is not installed::

    apt-get install -y confclerk xvfb xauth xdotool
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest

TOOLS = {"confclerk": "confclerk", "xvfb-run": "xvfb", "xdotool": "xdotool"}
MISSING = [name for name in TOOLS if shutil.which(name) is None]

pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"{', '.join(MISSING)} not installed "
    f"(apt-get install -y {' '.join(sorted({TOOLS[m] for m in MISSING} | {'xauth'}))})",
)

# Runs inside xvfb-run.  First launch: ConfClerk creates its database and settings; then the
# conference row the "Manage Conferences" dialog would write is added with our URL, and the
# second launch reloads it from the network on Ctrl+R.
DRIVER = r"""
set -u
DB="$HOME/.local/share/Toastfreeware/ConfClerk/ConfClerk.sqlite"
wait_window() {
  for _ in $(seq 1 120); do
    WID=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -1)
    [ -n "$WID" ] && return 0
    sleep 0.25
  done
  echo "no ConfClerk window named $1" >&2; return 1
}
confclerk & PID=$!
wait_window 'ConfClerk' || exit 3
for _ in $(seq 1 40); do [ -s "$DB" ] && break; sleep 0.25; done
kill $PID; wait $PID
"$PYTHON" - "$DB" "$URL" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO conference (title, start, end, active, url) "
           "VALUES ('placeholder', 0, 0, 1, ?)", (sys.argv[2],))
db.commit()
EOF
confclerk & PID=$!
wait_window 'placeholder' || exit 4
xdotool mousemove --window "$WID" 200 200 click 1
xdotool windowfocus --sync "$WID"
sleep 0.5
xdotool key ctrl+r
"$PYTHON" - "$DB" <<'EOF'
import sqlite3, sys, time
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    db = sqlite3.connect(sys.argv[1])
    title = db.execute("SELECT title FROM conference").fetchone()[0]
    db.close()
    if title != "placeholder":
        break
    time.sleep(0.5)
time.sleep(1)  # ConfClerk writes the conference row last; let its transaction finish
EOF
kill $PID; wait $PID
exit 0
"""


def run_confclerk(home: Path, url: str) -> Path:
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "URL": url,
        "PYTHON": shutil.which("python3") or "/usr/bin/python3",
        "QT_QPA_PLATFORM": "xcb",
    }
    (home / "run").mkdir(mode=0o700)
    process = subprocess.Popen(
        ["xvfb-run", "-a", "-s", "-screen 0 1024x768x24", "bash", "-c", DRIVER],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"ConfClerk did not finish: {output.decode(errors='replace')[-2000:]}")
    assert process.returncode == 0, output.decode(errors="replace")[-2000:]
    return home / ".local/share/Toastfreeware/ConfClerk/ConfClerk.sqlite"


def test_confclerk_imports_our_schedule_xml(live_server, demo, tmp_path: Path) -> None:
    import urllib.request

    url = f"{live_server.url}/{demo.slug}/schedule.xml"
    served = urllib.request.urlopen(url).read()  # what ConfClerk will be given
    root = DET.fromstring(served)
    events = root.findall(".//event")
    rooms = {e.findtext("room") for e in events} - {None, ""}
    persons = {p.get("id") for p in root.iter("person")}
    tracks = {e.findtext("track") for e in events} - {None, ""}
    assert events and rooms and persons

    started = time.monotonic()
    db_path = run_confclerk(tmp_path, url)
    db = sqlite3.connect(db_path)
    try:
        conferences = db.execute("SELECT id, title, url FROM conference").fetchall()
        assert conferences == [(conferences[0][0], demo.name, url)], (
            f"ConfClerk did not import the schedule within {time.monotonic() - started:.0f} s"
        )
        conference = conferences[0][0]

        def count(sql: str) -> int:
            return db.execute(sql, (conference,)).fetchone()[0]

        assert count("SELECT count(*) FROM event WHERE xid_conference = ?") == len(events)
        assert count("SELECT count(*) FROM room WHERE xid_conference = ?") == len(rooms)
        assert count("SELECT count(*) FROM person WHERE xid_conference = ?") == len(persons)
        assert count(
            "SELECT count(DISTINCT xid_event) FROM event_room WHERE xid_conference = ?"
        ) == len(events)
        # ConfClerk adds no track for events without one; every named track arrives.
        names = {
            n
            for (n,) in db.execute("SELECT name FROM track WHERE xid_conference = ?", (conference,))
        }
        assert tracks <= names
        print(
            f"ConfClerk holds {demo.name!r}: {len(events)} events, {len(rooms)} rooms, "
            f"{len(persons)} persons, {len(names)} tracks"
        )
        titles = {
            t
            for (t,) in db.execute(
                "SELECT title FROM event WHERE xid_conference = ?", (conference,)
            )
        }
        assert titles == {e.findtext("title") for e in events}
    finally:
        db.close()
