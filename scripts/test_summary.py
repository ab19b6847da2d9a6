"""Adds up the .NET (TRX) and Python (JUnit XML) results into one closing line: 'N passed, N failed, N skipped'.

Exits non-zero when a test failed or when no test ran at all, so an empty run can never pass.
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

TRX = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"


def count(results_dir: pathlib.Path) -> tuple[int, int, int]:
    passed = failed = skipped = 0
    for trx in results_dir.rglob("*.trx"):
        counters = ET.parse(trx).getroot().find(f"{TRX}ResultSummary/{TRX}Counters")
        if counters is None:
            continue
        passed += int(counters.get("passed", 0))
        failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
        skipped += int(counters.get("notExecuted", 0))
    for junit in results_dir.rglob("*.xml"):
        for suite in ET.parse(junit).getroot().iter("testsuite"):
            total = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skip = int(suite.get("skipped", 0))
            passed += total - bad - skip
            failed += bad
            skipped += skip
    return passed, failed, skipped


def main() -> int:
    passed, failed, skipped = count(pathlib.Path(sys.argv[1]))
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
