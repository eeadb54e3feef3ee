"""How long a ticket takes to render, encode and send, so printing never becomes the bottleneck.

A kiosk issues a ticket in one request and prints it after the commit; the design's budget for
render + encode is 20 ms per ticket. This prints, for both paper widths, the render and encode
times (p50/p99 over 200 tickets), the bytes per ticket, and the throughput of sending tickets to
a fake network printer on 127.0.0.1 that answers its paper status like a real one.

Run from the repository root: `.venv/bin/python bench/bench_print.py [--tickets N]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.printers import PAPER_PRESENT, FakeNetworkPrinter  # noqa: E402
from kiosk.printing import encode_ticket, parse_printer_url, send  # noqa: E402
from kiosk.ticket_image import PAPER_WIDTHS, TicketPrintout, render_ticket  # noqa: E402

SERVICES = [
    ("Sở Tư pháp", "Chứng thực bản sao, chữ ký, hợp đồng giao dịch"),
    ("Sở Kế hoạch và Đầu tư", "Đăng ký thành lập doanh nghiệp"),
    ("Sở Lao động – Thương binh và Xã hội", "Cấp giấy phép lao động cho người nước ngoài"),
    ("Công an tỉnh", "Cấp căn cước"),
]


def printout(index: int) -> TicketPrintout:
    """Return the index-th ticket of a plausible morning: deterministic, no random data."""
    department, service = SERVICES[index % len(SERVICES)]
    return TicketPrintout(
        center_name="Trung tâm Phục vụ hành chính công TP Cần Thơ",
        department_name=department,
        service_name=service,
        label=f"{'ABCD'[index % 4]}{index + 1:03d}",
        priority_name="Người cao tuổi" if index % 7 == 0 else None,
        issued_at_text=f"28/11/2026 {8 + index // 60:02d}:{index % 60:02d}",
        ahead=index % 23,
        wait_text=f"{index % 23 * 4}–{index % 23 * 6 + 5} phút",
        track_url=f"http://192.168.1.10:5000/t/{index * 7919:012x}",
        footer="Vui lòng giữ phiếu và chú ý màn hình gọi số.",
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def milliseconds(values: list[float]) -> str:
    median, slowest = percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000
    return f"p50 {median:6.2f} ms   p99 {slowest:6.2f} ms"


def bench_width(paper: str, tickets: int) -> list[bytes]:
    width = PAPER_WIDTHS[paper]
    start = time.perf_counter()
    encode_ticket(render_ticket(printout(0), width))  # fonts and escpos load once per process
    cold = time.perf_counter() - start
    render_times, encode_times, total_times, cpu_times, jobs = [], [], [], [], []
    for index in range(tickets):
        start, cpu_start = time.perf_counter(), time.thread_time()
        image = render_ticket(printout(index), width)
        rendered = time.perf_counter()
        job = encode_ticket(image)
        encoded = time.perf_counter()
        render_times.append(rendered - start)
        encode_times.append(encoded - rendered)
        total_times.append(encoded - start)
        cpu_times.append(time.thread_time() - cpu_start)
        jobs.append(job)
    sizes = [len(job) for job in jobs]
    print(f"{paper} ({width} px), {tickets} tickets, first ticket (cold) {cold * 1000:.0f} ms")
    print(f"  render           {milliseconds(render_times)}")
    print(f"  encode           {milliseconds(encode_times)}")
    print(f"  render + encode  {milliseconds(total_times)}   (budget 20 ms)")
    # CPU time leaves out the time spent waiting for a CPU on a busy machine.
    print(f"    in CPU time    {milliseconds(cpu_times)}")
    print(
        f"  bytes per ticket mean {statistics.mean(sizes) / 1024:.1f} KiB"
        f"   min {min(sizes) / 1024:.1f}   max {max(sizes) / 1024:.1f}"
    )
    return jobs


def bench_send(jobs: list[bytes]) -> None:
    with FakeNetworkPrinter(status_answer=PAPER_PRESENT) as printer:
        target = parse_printer_url(printer.url)
        send_times = []
        start = time.perf_counter()
        for job in jobs:
            result = send(target, job)
            if not result.ok:
                raise SystemExit(f"send failed: {result.reason}")
            send_times.append(result.elapsed_s)
        elapsed = time.perf_counter() - start
        received = printer.wait_for_jobs(len(jobs))
    total = sum(len(job) for job in jobs)
    print(f"send to a fake network printer on 127.0.0.1, {len(jobs)} tickets one after another")
    print(f"  per ticket       {milliseconds(send_times)}")
    rate, bandwidth = len(jobs) / elapsed, total / elapsed / 2**20
    print(f"  throughput       {rate:.0f} tickets/s, {bandwidth:.1f} MiB/s")
    print(f"  received         {len(received)} of {len(jobs)} jobs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-print-") as directory:
        tempfile.tempdir = directory  # importing escpos leaves a folder in the temp directory
        try:
            jobs_80 = bench_width("80mm", arguments.tickets)
            bench_width("58mm", arguments.tickets)
            bench_send(jobs_80)
        finally:
            tempfile.tempdir = None


if __name__ == "__main__":
    main()
