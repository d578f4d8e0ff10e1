"""Demo and benchmark data: `python -m cabinet.seed` fills an empty database and prints the sign-ins.

    seed_demo(session, today=..., seed=...)  -> DemoInfo         the demo, into an empty database
    ensure_demo(session)                     -> DemoInfo | None  the demo, only when no organisation exists
    demo_info(session)                       -> DemoInfo         the sign-ins of an already seeded database
    seed_bench(session, subscribers=N)       -> DemoInfo         an extra organisation with N subscribers

None of them commits: the caller's transaction does.
"""

from cabinet.seed.bench import seed_bench
from cabinet.seed.demo import ensure_demo, seed_demo
from cabinet.seed.info import DemoInfo, demo_info

__all__ = ["DemoInfo", "demo_info", "ensure_demo", "seed_bench", "seed_demo"]
