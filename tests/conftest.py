"""Shared test settings: hypothesis runs without deadlines (CI machines are noisy)."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "chainrule",
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("chainrule")
