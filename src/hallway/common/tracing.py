"""OpenTelemetry tracing, off unless the environment configures an exporter.

With ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) set, every
request is traced (opentelemetry-instrumentation-django) and exported over OTLP/HTTP in
batches; ``OTEL_SERVICE_NAME`` names the service (``hallway`` by default) and the other
standard ``OTEL_*`` variables apply.  hallway's own long operations (imports, releases,
solver runs) open spans through :func:`traced`, which costs nothing when tracing is off: the
API's default tracer records nothing.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from opentelemetry import trace

_configured = False


def tracing_requested() -> bool:
    return bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def configure_tracing() -> bool:
    """Install the OTLP exporter and instrument Django, once per process, if requested."""
    global _configured
    if _configured or not tracing_requested():
        return _configured
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME", "hallway")})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
    _configured = True
    return True


@contextmanager
def span(name: str, **attributes) -> Iterator[trace.Span]:
    """A span named ``name`` (``hallway.release``), with attributes of plain values."""
    tracer = trace.get_tracer("hallway")
    with tracer.start_as_current_span(name) as current:
        for key, value in attributes.items():
            if value is not None:
                current.set_attribute(f"hallway.{key}", value)
        yield current


def traced(name: str) -> Callable:
    """Decorate a service function so that each call is one span."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with span(name):
                return function(*args, **kwargs)

        return wrapper

    return decorate
