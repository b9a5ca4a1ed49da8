"""salib.py - what the Python test scripts share: finding the structalign
under test and the tools a script needs (or skipping, exit 77, with the
reason), and ending with the failures listed.  The scripts run as
`python3 $top_srcdir/tests/NAME.py`, so this directory is on sys.path."""
import os
import shutil

PACKAGES = {"go": "golang-go", "qemu-arm": "qemu-user", "qemu-aarch64": "qemu-user",
            "qemu-i386": "qemu-user", "aarch64-linux-gnu-gcc": "gcc-aarch64-linux-gnu",
            "i686-linux-gnu-gcc": "gcc-i686-linux-gnu",
            "arm-linux-gnueabihf-gcc": "gcc-arm-linux-gnueabihf"}


class Skip(Exception):
    """Raised with the reason a script cannot run here."""


def need(*tools):
    """$STRUCTALIGN (set by make check), after checking that every tool is
    on PATH; raises Skip naming the first one missing (and its package)."""
    tool = os.environ.get("STRUCTALIGN")
    if not tool or not os.access(tool, os.X_OK):
        raise Skip("STRUCTALIGN is not set (run through make check)")
    for t in tools:
        if shutil.which(t) is None:
            pkg = PACKAGES.get(t)
            raise Skip("%s not found%s" % (t, " (Debian package %s)" % pkg if pkg else ""))
    return tool


def run_main(main):
    """Runs main() -> list of failure texts; prints them and the verdict.
    Exit status: 0 pass, 1 fail, 77 skip."""
    try:
        fails = main()
    except Skip as e:
        print("SKIP: %s" % e)
        return 77
    for f in fails:
        print("FAIL: " + f)
    print("%s: %d failure%s" % ("FAIL" if fails else "PASS", len(fails),
                                "" if len(fails) == 1 else "s"))
    return 1 if fails else 0
