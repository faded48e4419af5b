// Shared by the JDBC client programs: named steps whose outcome ({"ok": value} or
// {"error", "sqlstate", "message"}) is collected and printed as one JSON object.
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.*;

final class Steps {
  interface Step { Object run() throws Exception; }

  private final Map<String, Object> results = new LinkedHashMap<>();
  /** Runs after a step failed with an SQLException (e.g. roll back an open transaction). */
  private final Runnable afterSqlError;

  Steps(Runnable afterSqlError) {
    this.afterSqlError = afterSqlError;
  }

  void step(String name, Step s) {
    System.err.println("step " + name);
    Map<String, Object> r = new LinkedHashMap<>();
    try {
      r.put("ok", s.run());
    } catch (SQLException e) {
      r.put("error", e.getClass().getSimpleName());
      r.put("sqlstate", e.getSQLState());
      r.put("message", String.valueOf(e.getMessage()));
      afterSqlError.run();
    } catch (Exception e) {
      r.put("error", e.getClass().getSimpleName());
      r.put("sqlstate", null);
      r.put("message", String.valueOf(e.getMessage()));
    }
    results.put(name, r);
  }

  /** A connection to the target named by PGHOST/PGPORT/PGDATABASE/PGUSER, without TLS. */
  static Connection connect(String applicationName, Properties extra) throws SQLException {
    String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/"
        + Optional.ofNullable(System.getenv("PGDATABASE")).orElse("postgres");
    Properties props = new Properties();
    props.setProperty("user", Optional.ofNullable(System.getenv("PGUSER")).orElse("postgres"));
    props.setProperty("sslmode", "disable");
    props.setProperty("ApplicationName", applicationName);
    props.putAll(extra);
    return DriverManager.getConnection(url, props);
  }

  String json() {
    return toJson(results, "");
  }

  /** Integral doubles print as integers; other non-primitive numbers (BigDecimal) as strings. */
  static String toJson(Object o, String indent) {
    if (o == null) return "null";
    if (o instanceof String) return quote((String) o);
    if (o instanceof Boolean || o instanceof Integer || o instanceof Long || o instanceof Short) return o.toString();
    if (o instanceof Double || o instanceof Float) {
      double d = ((Number) o).doubleValue();
      return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
    }
    if (o instanceof Number) return quote(o.toString());
    String in = indent + " ";
    if (o instanceof Map) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
        sb.append(first ? "\n" : ",\n").append(in).append(quote(e.getKey().toString())).append(": ").append(toJson(e.getValue(), in));
        first = false;
      }
      return sb.append(first ? "}" : "\n" + indent + "}").toString();
    }
    if (o instanceof List) {
      StringBuilder sb = new StringBuilder("[");
      boolean first = true;
      for (Object x : (List<?>) o) {
        sb.append(first ? "" : ", ").append(toJson(x, in));
        first = false;
      }
      return sb.append("]").toString();
    }
    return quote(o.toString());
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\t': sb.append("\\t"); break;
        case '\r': sb.append("\\r"); break;
        default:
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
