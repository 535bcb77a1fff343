"""Drives a Connect REST API with kafka-connect-py (PyPI), a client this project did not write.

Usage: client-driver.py URL PREFIX DIR. Prints one JSON list: for each operation, what the client
returned (`ok`) or the HTTP error it raised (status and body), in the order run. The same run
against Apache Kafka Connect and against Sluice must give the same list (see connect-parity.test.ts).
"""

import json
import sys
import time

from kafka_connect import KafkaConnect
from requests.exceptions import HTTPError

url, prefix, directory = sys.argv[1:4]
client = KafkaConnect(url=url)
name = f"{prefix}-client"
config = {
    "connector.class": "FileStreamSource",
    "tasks.max": "1",
    "file": f"{directory}/client.txt",
    "topic": f"{prefix}-client-topic",
}
results = []


def run(op, call):
    try:
        results.append({"op": op, "status": 0, "body": call()})
    except HTTPError as error:
        response = error.response
        if response is None:  # the client raises HTTPError(response.text) for some answers
            results.append({"op": op, "status": -1, "body": str(error)})
        else:
            results.append({"op": op, "status": response.status_code, "body": response.text})


def state_of(status):
    tasks = status.get("tasks", [])
    states = {status["connector"]["state"]} | {task["state"] for task in tasks}
    return states.pop() if len(states) == 1 else "MIXED"


def until(op, expected, with_tasks=True, stable_s=1.5, timeout_s=30):
    """Waits until the connector (and its tasks, at least one) is in `expected`, for stable_s."""
    deadline = time.time() + timeout_s
    since = None
    while True:
        try:
            status = client.get_connector_status(name)
        except HTTPError as error:  # distributed Connect: no status yet right after the create
            status = {"connector": {"state": str(error)}, "tasks": []}
        met = state_of(status) == expected and (len(status["tasks"]) > 0) == with_tasks
        since = (since or time.time()) if met else None
        if since is not None and time.time() - since >= stable_s:
            return results.append({"op": op, "status": 0, "body": "met"})
        if time.time() > deadline:
            return results.append({"op": op, "status": 0, "body": f"timed out: {status}"})
        time.sleep(0.2)


run("get_cluster_info", client.get_cluster_info)
run("list_connectors (none)", lambda: client.list_connectors(pattern=f"^{prefix}-"))
run("create_connector", lambda: client.create_connector({"name": name, "config": config}))
run("create_connector (name taken)", lambda: client.create_connector({"name": name, "config": config}))
until("wait running (created)", "RUNNING")
run("list_connectors", lambda: client.list_connectors(pattern=f"^{prefix}-"))
run("list_connectors expand=status", lambda: client.list_connectors(expand="status", pattern=f"^{prefix}-"))
run("list_connectors expand=info", lambda: client.list_connectors(expand="info", pattern=f"^{prefix}-"))
run("list_connectors state=running", lambda: client.list_connectors(pattern=f"^{prefix}-", state="running"))
run("get_connector", lambda: client.get_connector(name))
run("get_connector_config", lambda: client.get_connector_config(name))
run("get_connector_status", lambda: client.get_connector_status(name))
run("list_connector_tasks", lambda: client.list_connector_tasks(name))
run("get_connector_task_status", lambda: client.get_connector_task_status(name, 0))
run("pause_connector", lambda: client.pause_connector(name))
until("wait paused", "PAUSED")
run("get_connector_status (paused)", lambda: client.get_connector_status(name))
run("list_connectors state=paused", lambda: client.list_connectors(pattern=f"^{prefix}-", state="paused"))
run("resume_connector", lambda: client.resume_connector(name))
until("wait running (resumed)", "RUNNING")
run("restart_connector", lambda: client.restart_connector(name))
until("wait running (restarted)", "RUNNING")
run("restart_connector include_tasks", lambda: client.restart_connector(name, include_tasks=True))
until("wait running (restarted with tasks)", "RUNNING")
run(
    "restart_connector include_tasks only_failed",
    lambda: client.restart_connector(name, include_tasks=True, only_failed=True),
)
run("restart_connector_task", lambda: client.restart_connector_task(name, 0))
until("wait running (task restarted)", "RUNNING")
run("list_connector_topics", lambda: client.list_connector_topics(name))
run("update_connector", lambda: client.update_connector(name, {**config, "batch.size": "10"}))
until("wait running (updated)", "RUNNING")
run("validate_connector_config", lambda: client.validate_connector_config("FileStreamSource", config)["error_count"])
run("stop_connector", lambda: client.stop_connector(name))
until("wait stopped", "STOPPED", with_tasks=False)
run("get_connector_status (stopped)", lambda: client.get_connector_status(name))
run("reset_connector_topics", lambda: client.reset_connector_topics(name))
run("delete_connector", lambda: client.delete_connector(name))
run("get_connector (deleted)", lambda: client.get_connector(name))
run("restart_connector (deleted)", lambda: client.restart_connector(name))
run("pause_connector (deleted)", lambda: client.pause_connector(name))
run("delete_connector (deleted)", lambda: client.delete_connector(name))
print(json.dumps(results))
