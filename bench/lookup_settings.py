"""Settings for the lookup benchmark's server: Lockstep's, plus a bare JSON view (bench/lookup_urls.py)."""

from lockstep.settings import *  # noqa: F403

ROOT_URLCONF = "bench.lookup_urls"
