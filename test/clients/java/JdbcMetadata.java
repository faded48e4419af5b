// JDBC DatabaseMetaData (pgjdbc 42.7): the catalog queries IDEs, schema tools and ORMs on the JVM
// run (getTables, getColumns, getPrimaryKeys, getImportedKeys, getIndexInfo, getSchemas). Each
// step prints the named result columns, so the output does not depend on oids.
// Prints one JSON object {step: {"ok": value} | {"error": ..., "sqlstate": ...}}.
import java.sql.*;
import java.util.*;

public class JdbcMetadata {
  static Connection conn;
  static final Steps steps = new Steps(() -> { });

  /** The named columns of every row, values as JSON-friendly objects. */
  static List<List<Object>> pick(ResultSet rs, String... cols) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    while (rs.next()) {
      List<Object> r = new ArrayList<>();
      for (String c : cols) {
        Object o = rs.getObject(c);
        if (o != null && !(o instanceof String || o instanceof Number || o instanceof Boolean)) o = o.toString();
        r.add(o);
      }
      out.add(r);
    }
    rs.close();
    return out;
  }

  static void exec(String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(sql);
    }
  }

  public static void main(String[] args) throws Exception {
    conn = Steps.connect("jdbc-metadata-test", new Properties());
    DatabaseMetaData dm = conn.getMetaData();

    steps.step("setup", () -> {
      exec("DROP TABLE IF EXISTS jm_lines");
      exec("DROP TABLE IF EXISTS jm_orders");
      exec("CREATE TABLE jm_orders (id serial PRIMARY KEY, ref varchar(12) NOT NULL UNIQUE, total numeric(10,2) DEFAULT 0, placed timestamptz)");
      exec("CREATE TABLE jm_lines (order_id int NOT NULL, line int NOT NULL, sku text, qty int CHECK (qty > 0), PRIMARY KEY (order_id, line))");
      exec("CREATE INDEX jm_lines_sku ON jm_lines (sku DESC)");
      exec("COMMENT ON TABLE jm_orders IS 'customer orders'");
      return "ok";
    });
    steps.step("add_foreign_key", () -> {
      exec("ALTER TABLE jm_lines ADD CONSTRAINT jm_lines_order_fk FOREIGN KEY (order_id) REFERENCES jm_orders (id) ON DELETE CASCADE");
      return "ok";
    });
    steps.step("getSchemas", () -> {
      List<List<Object>> all = pick(dm.getSchemas(), "TABLE_SCHEM");
      all.removeIf(r -> !List.of("public", "information_schema", "pg_catalog").contains(r.get(0)));
      return all;
    });
    steps.step("getTables", () -> pick(dm.getTables(null, "public", "jm_%", new String[] {"TABLE"}),
        "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS"));
    steps.step("getTables_sequences", () -> pick(dm.getTables(null, "public", "jm_%", new String[] {"SEQUENCE"}),
        "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE"));
    steps.step("getColumns", () -> pick(dm.getColumns(null, "public", "jm_orders", "%"),
        "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS", "NULLABLE", "COLUMN_DEF",
        "ORDINAL_POSITION", "IS_NULLABLE", "IS_AUTOINCREMENT"));
    steps.step("getPrimaryKeys", () -> pick(dm.getPrimaryKeys(null, "public", "jm_lines"),
        "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"));
    steps.step("getImportedKeys", () -> pick(dm.getImportedKeys(null, "public", "jm_lines"),
        "PKTABLE_NAME", "PKCOLUMN_NAME", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ", "UPDATE_RULE", "DELETE_RULE",
        "FK_NAME", "PK_NAME"));
    steps.step("getIndexInfo", () -> pick(dm.getIndexInfo(null, "public", "jm_lines", false, false),
        "NON_UNIQUE", "INDEX_NAME", "TYPE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC"));
    steps.step("getIndexInfo_unique", () -> pick(dm.getIndexInfo(null, "public", "jm_orders", true, false),
        "NON_UNIQUE", "INDEX_NAME", "ORDINAL_POSITION", "COLUMN_NAME"));
    steps.step("teardown", () -> {
      exec("DROP TABLE IF EXISTS jm_lines");
      exec("DROP TABLE IF EXISTS jm_orders");
      return "dropped";
    });
    conn.close();
    System.out.println(steps.json());
  }
}
