import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.runtime.rest.RestClient;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.rest.entities.Message;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;

/**
 * Drives a Connect REST API with Apache Kafka's own REST client (connect-runtime's RestClient,
 * which Connect workers use to forward requests to each other), deserializing every answer into
 * Connect's own entity classes: source offsets read, altered, reset. kafka-connect-py has no
 * offsets calls. Usage: RestClientDriver URL PREFIX DIR; prints `RESULTS ` and a JSON list of {op, status, body}.
 */
public final class RestClientDriver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Map<String, Object>> RESULTS = new ArrayList<>();
  private static RestClient client;
  private static String base;

  public static void main(String[] args) throws Exception {
    base = args[0];
    String name = args[1] + "-offsets";
    String file = args[2] + "/client.txt";
    client = new RestClient(new AbstractConfig(new ConfigDef(), Map.of()));
    String connector = base + "/connectors/" + name;
    Map<String, String> config = Map.of(
        "connector.class", "FileStreamSource", "tasks.max", "1", "file", file, "topic", args[1] + "-offsets-topic");
    run("create", () -> call("POST", base + "/connectors", Map.of("name", name, "config", config),
        new TypeReference<ConnectorInfo>() {}).name());
    until("wait running", () -> state(connector).equals("RUNNING"));
    until("wait offsets stored", () -> position(connector) == 6);
    run("get offsets (running)", () -> offsets(connector));
    run("alter offsets (running)", () -> alter(connector, 2));
    run("stop", () -> call("PUT", connector + "/stop", null, new TypeReference<Object>() {}));
    until("wait stopped", () -> state(connector).equals("STOPPED"));
    run("get offsets (stopped)", () -> offsets(connector));
    run("alter offsets", () -> alter(connector, 2));
    run("get offsets (altered)", () -> offsets(connector));
    run("reset offsets", () -> call("DELETE", connector + "/offsets", null, new TypeReference<Message>() {}).message());
    run("get offsets (reset)", () -> offsets(connector));
    run("delete", () -> call("DELETE", connector, null, new TypeReference<Object>() {}));
    run("get offsets (deleted)", () -> offsets(connector));
    // one marked line: RestClient logs its errors (log4j) to stdout as well
    System.out.println("RESULTS " + JSON.writeValueAsString(RESULTS));
  }

  private static <T> T call(String method, String url, Object body, TypeReference<T> type) {
    return client.httpRequest(url, method, null, body, type).body();
  }

  private static Object offsets(String connector) {
    ConnectorOffsets offsets = call("GET", connector + "/offsets", null, new TypeReference<ConnectorOffsets>() {});
    List<Object> entries = new ArrayList<>();
    for (ConnectorOffset entry : offsets.offsets()) entries.add(Map.of("partition", entry.partition(), "offset", entry.offset()));
    return entries;
  }

  private static String alter(String connector, int position) {
    Map<String, Object> partition = Map.of("filename", offsetsFile(connector));
    ConnectorOffsets body = new ConnectorOffsets(List.of(new ConnectorOffset(partition, Map.of("position", position))));
    return call("PATCH", connector + "/offsets", body, new TypeReference<Message>() {}).message();
  }

  private static String offsetsFile(String connector) {
    Map<String, String> config = call("GET", connector + "/config", null, new TypeReference<Map<String, String>>() {});
    return config.get("file");
  }

  private static String state(String connector) {
    ConnectorStateInfo status = call("GET", connector + "/status", null, new TypeReference<ConnectorStateInfo>() {});
    boolean tasksAgree = status.tasks().stream().allMatch(task -> task.state().equals(status.connector().state()));
    return tasksAgree ? status.connector().state() : "MIXED";
  }

  private static long position(String connector) {
    ConnectorOffsets offsets = call("GET", connector + "/offsets", null, new TypeReference<ConnectorOffsets>() {});
    if (offsets.offsets().isEmpty()) return -1;
    return ((Number) offsets.offsets().get(0).offset().get("position")).longValue();
  }

  private static void run(String op, Callable<Object> action) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("op", op);
    try {
      Object body = action.call();
      result.put("status", 0);
      result.put("body", body);
    } catch (ConnectRestException error) {
      result.put("status", error.statusCode());
      result.put("body", error.getMessage());
    } catch (Exception error) {
      result.put("status", -1);
      result.put("body", error.toString());
    }
    RESULTS.add(result);
  }

  /** Polls until `met` holds (errors count as not yet, e.g. no status right after a create). */
  private static void until(String op, Callable<Boolean> met) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      try {
        if (met.call()) {
          RESULTS.add(Map.of("op", op, "status", 0, "body", "met"));
          return;
        }
      } catch (Exception error) {
        last = error.toString();
      }
      Thread.sleep(200);
    }
    RESULTS.add(Map.of("op", op, "status", 0, "body", "timed out " + last));
  }
}
