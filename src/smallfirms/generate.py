"""The generator's historical entry point: ``python -m smallfirms.generate`` runs the world
package's CLI (:mod:`smallfirms.world`), and its names stay importable from here."""

from smallfirms.world.cli import main
from smallfirms.world.generate import generate_world
from smallfirms.world.params import Params
from smallfirms.world.schema import TABLES

__all__ = ["Params", "TABLES", "generate_world", "main"]

if __name__ == "__main__":
    main()
