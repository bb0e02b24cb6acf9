"""The demo's word lists: names, topics, title shapes and blurbs the generator draws from.

No real people's data: names are random pairings of common given and family names.
"""

from __future__ import annotations

import random

GIVEN = """Ada Alan Amara Anika Arjun Beatriz Bo Camille Carlos Chen Chiara Dana Dario Deepa
Diego Elif Elena Emeka Erik Fatima Felix Freya Gabriel Grace Hana Hamid Ines Ivan Jamal Jana
Joao Jonas Julia Kai Kalani Kenji Lars Layla Leon Lina Luca Maya Mateo Mei Mira Nadia Nikhil
Noor Olga Omar Paula Priya Quinn Rafael Rania Ravi Rosa Sami Sara Sven Tariq Tess Theo Uma
Valeria Vikram Wen Yara Yusuf Zane Zoe""".split()
FAMILY = """Abara Alvarez Andersen Bauer Bianchi Brennan Castillo Chowdhury Costa Dubois
Eriksen Fischer Garcia Haddad Hansen Hoang Ito Jensen Kaur Kim Kowalski Laine Lindqvist
Lopes Mahlangu Marino Mendes Moreau Nakamura Novak Okafor Oliveira Park Petrov Quispe Ramos
Rossi Sato Schmidt Silva Suzuki Takahashi Tanaka Torres Varga Wagner Weber Yilmaz Zhang""".split()

TOPICS = {
    "Kubernetes": [
        "operators",
        "the scheduler",
        "multi-tenancy",
        "cluster autoscaling",
        "Gateway API",
        "etcd",
        "admission webhooks",
        "CRDs",
    ],
    "Observability": [
        "OpenTelemetry",
        "eBPF tracing",
        "Prometheus",
        "log pipelines",
        "SLOs",
        "continuous profiling",
    ],
    "Security": [
        "supply-chain security",
        "SBOMs",
        "Sigstore",
        "secrets management",
        "zero-trust networking",
        "fuzzing",
    ],
    "Linux Kernel": [
        "io_uring",
        "the scheduler",
        "Rust in the kernel",
        "cgroups v2",
        "BPF",
        "filesystems",
    ],
    "Embedded": ["Yocto", "Zephyr", "device trees", "U-Boot", "real-time Linux", "OTA updates"],
    "DevOps": [
        "GitOps",
        "platform engineering",
        "incident response",
        "CI pipelines",
        "infrastructure as code",
        "on-call",
    ],
    "Databases": [
        "PostgreSQL",
        "replication",
        "query planning",
        "time-series data",
        "SQLite at the edge",
    ],
    "Community": [
        "maintainer burnout",
        "governance",
        "mentoring",
        "documentation",
        "inclusive meetups",
        "licensing",
    ],
    "Cloud Native": [
        "WebAssembly",
        "service meshes",
        "serverless",
        "container runtimes",
        "edge computing",
    ],
    "Open Data": [
        "open hardware",
        "digital public goods",
        "research software",
        "reproducible builds",
    ],
}
TITLE_SHAPES = [
    "{Topic} in production: lessons from {n} years",
    "A practical guide to {topic}",
    "What nobody tells you about {topic}",
    "Scaling {topic} without losing sleep",
    "{Topic} from first principles",
    "Debugging {topic} at 3 a.m.",
    "Beyond the basics: {topic} for teams",
    "{Topic}: the good, the bad and the flaky",
    "How we replaced our homegrown tooling with {topic}",
    "Ten things we learned running {topic}",
    "Taming {topic} with open source",
    "{Topic} for the rest of us",
]
ABSTRACT_BITS = [
    "This session walks through a real migration, including the parts that went wrong.",
    "We start from a minimal setup and build up to a production-grade deployment.",
    "Expect live demos, honest benchmarks and a checklist you can take home.",
    "The talk compares three open-source approaches and when each one fits.",
    "Attendees will leave knowing which metrics matter and which are noise.",
    "We share the tooling we open-sourced along the way and how to contribute.",
    "No prior experience is needed; bring questions.",
    "We cover the failure modes we hit at scale and the fixes that stuck.",
]
DESCRIPTION_BITS = [
    "The first part sets out the problem with numbers from real deployments.",
    "The second part shows the design and the trade-offs we made, with code on screen.",
    "We finish with what we would do differently and where the project goes next.",
    "Slides and a recording will be linked from this page after the session.",
    "A short Q&A follows; questions can also be asked in the conference chat.",
    "Bring a laptop if you want to follow along with the examples.",
]
EXHIBITOR_WORDS = [
    "Granite",
    "Open",
    "Cedar",
    "Blue",
    "Kestrel",
    "Harbor",
    "Lumen",
    "Pixel",
    "Quartz",
    "River",
    "Solar",
    "Tidal",
    "Vector",
    "Willow",
    "Zen",
    "Basalt",
    "Comet",
    "Delta",
]
EXHIBITOR_SUFFIX = [
    "Labs",
    "Project",
    "Foundation",
    "Systems",
    "Linux",
    "Cloud",
    "Works",
    "Collective",
    "OS",
    "Data",
]


def title(rng: random.Random, topic_area: str) -> str:
    """A talk title about one of ``topic_area``'s topics (any DevOps or embedded one if the
    area has no list of its own)."""
    topic = rng.choice(TOPICS.get(topic_area) or TOPICS["DevOps"] + TOPICS["Embedded"])
    shape = rng.choice(TITLE_SHAPES)
    return shape.format(topic=topic, Topic=topic[0].upper() + topic[1:], n=rng.randint(2, 9))
