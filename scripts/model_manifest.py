"""Write models/manifest.json from the pins in hingecam/media/model_manifest.py.

Usage: python scripts/model_manifest.py [--check]
--check exits 1 when the file differs (tests/unit/test_models.py checks the same).
"""

from __future__ import annotations

import argparse
import json
import sys

from hingecam.media.model_manifest import manifest_to_dict, write_manifest
from hingecam.media.models import checkout_models_dir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only compare")
    args = parser.parse_args()
    path = checkout_models_dir() / "manifest.json"
    if args.check:
        current = json.loads(path.read_text(encoding="utf-8"))
        if current != manifest_to_dict():
            print(f"{path} is stale: run python scripts/model_manifest.py")
            return 1
        print(f"{path} is up to date")
        return 0
    write_manifest(path)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
