"""Adds up the .NET (TRX) and Python (JUnit XML) results into one closing line: 'N passed, N failed, N skipped'.

Every failed test is listed above that line with the first lines of its message, so a CI log that only
keeps its tail still says what failed. Exits non-zero when a test failed or when no test ran at all, so an
empty run can never pass.
"""
import pathlib
import sys
import xml.etree.ElementTree as ET

TRX = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
FAILED_OUTCOMES = {"Failed", "Error", "Timeout", "Aborted"}


def first_lines(text: str | None, count: int = 3) -> str:
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    return " | ".join(lines[:count])


def trx_results(trx: pathlib.Path, failures: list[str]) -> tuple[int, int, int]:
    root = ET.parse(trx).getroot()
    counters = root.find(f"{TRX}ResultSummary/{TRX}Counters")
    if counters is None:
        return 0, 0, 0
    for result in root.iter(f"{TRX}UnitTestResult"):
        if result.get("outcome") in FAILED_OUTCOMES:
            message = result.find(f"{TRX}Output/{TRX}ErrorInfo/{TRX}Message")
            failures.append(f"{result.get('testName')}: {first_lines(message.text if message is not None else '')}")
    passed = int(counters.get("passed", 0))
    failed = int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    return passed, failed, int(counters.get("notExecuted", 0))


def junit_results(junit: pathlib.Path, failures: list[str]) -> tuple[int, int, int]:
    passed = failed = skipped = 0
    for suite in ET.parse(junit).getroot().iter("testsuite"):
        total = int(suite.get("tests", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skip = int(suite.get("skipped", 0))
        passed += total - bad - skip
        failed += bad
        skipped += skip
        for case in suite.iter("testcase"):
            for problem in list(case.findall("failure")) + list(case.findall("error")):
                failures.append(f"{case.get('classname')}.{case.get('name')}: {first_lines(problem.get('message'))}")
    return passed, failed, skipped


def main() -> int:
    results_dir = pathlib.Path(sys.argv[1])
    failures: list[str] = []
    totals = [0, 0, 0]
    for path in sorted(results_dir.rglob("*.trx")):
        totals = [a + b for a, b in zip(totals, trx_results(path, failures))]
    for path in sorted(results_dir.rglob("*.xml")):
        totals = [a + b for a, b in zip(totals, junit_results(path, failures))]
    passed, failed, skipped = totals
    for failure in failures:
        print(f"FAILED {failure}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
