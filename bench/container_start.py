"""Baselines from the Docker daemon alone: a cold `docker run --rm`, and how many containers
per second it starts when several threads ask at once."""
from __future__ import annotations

import subprocess
import threading
import time

import docker

import worker.languages as languages
from bench.stats import Rate, Sample, measure
from config import Settings
from worker.sandbox.docker import container_config, create_container, default_limits

BENCH_LABEL = "taskmill.bench"


def cold_run(image: str, command: list[str], runs: int, name: str,
             docker_args: tuple[str, ...] = ()) -> Sample:
    """`docker run --rm <image> <command>` from the CLI, timed end to end."""
    argv = ["docker", "run", "--rm", *docker_args, image, *command]
    return measure(name, lambda: subprocess.run(argv, check=True, capture_output=True), runs)


def first_line_after_cold_run(image: str, command: list[str], runs: int, name: str,
                              docker_args: tuple[str, ...] = ()) -> Sample:
    """Seconds from calling `docker run --rm` to the wall-clock time the program in the
    container prints first (`command` must print an epoch timestamp)."""
    argv = ["docker", "run", "--rm", *docker_args, image, *command]
    delays = []
    for index in range(runs + 1):  # the first run is a warm-up: disk caches, image layers
        started = time.time()
        printed = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
        if index:
            delays.append(float(printed.split()[0]) - started)
    return Sample(name, delays)


def parallel_start_rate(settings: Settings, threads: int, seconds: float) -> Rate:
    """Containers of the Python runner image, configured like job containers, that `threads`
    threads create, start, wait for and remove in about `seconds` (each thread finishes the
    container it has begun)."""
    client = docker.DockerClient(base_url=settings.docker_url)
    client.api.trust_env = False  # as the backend's client
    config = container_config(languages.get_language("python"), settings.image_for("python"),
                              default_limits(settings), {BENCH_LABEL: "start-rate"},
                              ["python3", "-c", "pass"], settings.deps_volume)
    counts, errors = [0] * threads, []
    deadline = time.monotonic() + seconds

    def loop(index: int) -> None:
        try:
            while time.monotonic() < deadline:
                container = create_container(client, config)  # as the backend creates them
                try:
                    container.start()
                    container.wait()
                finally:
                    container.remove(force=True)
                counts[index] += 1
        except Exception as exc:  # reported below: a rate from a failing engine means nothing
            errors.append(exc)

    started = time.monotonic()
    workers = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    if errors:
        raise RuntimeError(f"raw container starts failed: {errors[0]}")
    return Rate(f"raw Docker: {threads} threads create+start+wait+remove", sum(counts),
                time.monotonic() - started)
