// JDBC (pgjdbc 42.7): a product catalog session. PreparedStatement with every foundation
// type and NULLs, generated keys, batches, server-side prepared statements after the
// prepareThreshold, fetch-size cursors (Execute with a row limit + PortalSuspended),
// ResultSet/Database metadata basics, transactions with savepoints, SQLSTATEs.
// Prints one JSON object {step: {"ok": value} | {"error": ..., "sqlstate": ...}}.
import java.math.BigDecimal;
import java.sql.*;
import java.time.*;
import java.util.*;

public class JdbcSession {
  static Connection conn;
  static final Steps steps = new Steps(() -> {
    try { if (!conn.getAutoCommit()) conn.rollback(); } catch (SQLException ignored) { }
  });

  static String sqlState(Steps.Step s) throws Exception {
    try {
      s.run();
    } catch (SQLException e) {
      return e.getSQLState();
    }
    return "no error";
  }

  static List<Object> row(Object... v) { return new ArrayList<>(Arrays.asList(v)); }

  static String hex(byte[] b) {
    if (b == null) return null;
    StringBuilder sb = new StringBuilder("\\x");
    for (byte x : b) sb.append(String.format("%02x", x & 0xff));
    return sb.toString();
  }

  static List<List<Object>> rows(ResultSet rs) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      List<Object> r = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        Object o = rs.getObject(i);
        if (o instanceof BigDecimal) o = ((BigDecimal) o).toPlainString();
        else if (o instanceof byte[]) o = hex((byte[]) o);
        else if (o != null && !(o instanceof String || o instanceof Number || o instanceof Boolean)) o = o.toString();
        r.add(o);
      }
      out.add(r);
    }
    rs.close();
    return out;
  }

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.setProperty("prepareThreshold", "3");
    // a statement the server never answers fails its step (socket read timeout) instead of the run
    props.setProperty("socketTimeout", "30");
    conn = Steps.connect("jdbc-client-test", props);

    steps.step("setup", () -> {
      try (Statement st = conn.createStatement()) {
        st.execute("DROP TABLE IF EXISTS jdbc_products");
        st.execute("CREATE TABLE jdbc_products (id serial PRIMARY KEY, sku varchar(20) NOT NULL UNIQUE, name text,"
            + " price numeric(10,2), stock int4, weight float8, rating float4, big int8, small int2, active bool,"
            + " launched date, updated timestamptz, local_ts timestamp, ref uuid, image bytea, tags text[], meta jsonb)");
        return st.getUpdateCount();
      }
    });

    steps.step("insert_all_types", () -> {
      String sql = "INSERT INTO jdbc_products (sku, name, price, stock, weight, rating, big, small, active, launched, updated, local_ts, ref, image, tags, meta)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)";
      try (PreparedStatement ps = conn.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, "SKU-1");
        ps.setString(2, "Kettle \u00e9l\u00e9gant");
        ps.setBigDecimal(3, new BigDecimal("49.90"));
        ps.setInt(4, 12);
        ps.setDouble(5, 1.75);
        ps.setFloat(6, 4.5f);
        ps.setLong(7, 9007199254740993L);
        ps.setShort(8, (short) -7);
        ps.setBoolean(9, true);
        ps.setObject(10, LocalDate.of(2024, 2, 29));
        ps.setObject(11, OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 500_000_000, ZoneOffset.UTC));
        ps.setObject(12, LocalDateTime.of(2024, 3, 1, 10, 15, 30));
        ps.setObject(13, UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
        ps.setBytes(14, new byte[] {0, 1, (byte) 0xfe, (byte) 0xff});
        ps.setArray(15, conn.createArrayOf("text", new String[] {"kitchen", "sale item", null}));
        ps.setString(16, "{\"watts\": 2000, \"colors\": [\"red\"]}");
        int n = ps.executeUpdate();
        ResultSet keys = ps.getGeneratedKeys();
        keys.next();
        int id = keys.getInt("id");
        return row(n, id);
      }
    });

    steps.step("read_back_typed_getters", () -> {
      try (PreparedStatement ps = conn.prepareStatement("SELECT * FROM jdbc_products WHERE sku = ?")) {
        ps.setString(1, "SKU-1");
        ResultSet rs = ps.executeQuery();
        rs.next();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", rs.getString("name"));
        m.put("price", rs.getBigDecimal("price").toPlainString());
        m.put("stock", rs.getInt("stock"));
        m.put("weight", rs.getDouble("weight"));
        m.put("rating", (double) rs.getFloat("rating"));
        m.put("big", Long.toString(rs.getLong("big")));
        m.put("small", (int) rs.getShort("small"));
        m.put("active", rs.getBoolean("active"));
        m.put("launched", rs.getObject("launched", LocalDate.class).toString());
        m.put("updated", rs.getObject("updated", OffsetDateTime.class).toInstant().toString());
        m.put("local_ts", rs.getObject("local_ts", LocalDateTime.class).toString());
        m.put("ref", rs.getObject("ref").toString());
        m.put("image", hex(rs.getBytes("image")));
        m.put("tags", Arrays.asList((Object[]) rs.getArray("tags").getArray()));
        m.put("meta", rs.getString("meta"));
        rs.close();
        return m;
      }
    });

    steps.step("nulls", () -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_products (sku, price, stock, active, launched, image, tags) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, "SKU-NULL");
        ps.setNull(2, Types.NUMERIC);
        ps.setNull(3, Types.INTEGER);
        ps.setNull(4, Types.BOOLEAN);
        ps.setNull(5, Types.DATE);
        ps.setNull(6, Types.BINARY);
        ps.setNull(7, Types.ARRAY);
        ps.executeUpdate();
      }
      try (Statement st = conn.createStatement()) {
        ResultSet rs = st.executeQuery("SELECT price, stock, active, launched, image, tags, name FROM jdbc_products WHERE sku = 'SKU-NULL'");
        rs.next();
        List<Object> out = new ArrayList<>();
        rs.getInt("stock");
        out.add(rs.wasNull());
        for (int i = 1; i <= 7; i++) out.add(rs.getObject(i));
        return out;
      }
    });

    steps.step("batch", () -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_products (sku, name, price, stock) VALUES (?, ?, ?, ?)")) {
        for (int i = 0; i < 25; i++) {
          ps.setString(1, "B-" + i);
          ps.setString(2, "batch item " + i);
          ps.setBigDecimal(3, new BigDecimal(i).add(new BigDecimal("0.99")));
          ps.setInt(4, i % 5);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        int sum = 0;
        for (int c : counts) sum += c;
        try (Statement st = conn.createStatement()) {
          return row(counts.length, sum, rows(st.executeQuery("SELECT stock, count(*), sum(price) FROM jdbc_products WHERE sku LIKE 'B-%' GROUP BY stock ORDER BY stock")));
        }
      }
    });

    steps.step("batch_with_error", () -> {
      try (PreparedStatement ps = conn.prepareStatement("INSERT INTO jdbc_products (sku) VALUES (?)")) {
        conn.setAutoCommit(false);
        ps.setString(1, "C-1"); ps.addBatch();
        ps.setString(1, "B-3"); ps.addBatch();
        ps.setString(1, "C-2"); ps.addBatch();
        String state;
        try {
          ps.executeBatch();
          state = "no error";
        } catch (BatchUpdateException e) {
          state = e.getSQLState();
          if (state == null && e.getNextException() != null) state = e.getNextException().getSQLState();
        }
        conn.rollback();
        conn.setAutoCommit(true);
        try (Statement st = conn.createStatement()) {
          return row(state, rows(st.executeQuery("SELECT count(*) FROM jdbc_products WHERE sku LIKE 'C-%'")));
        }
      }
    });

    steps.step("server_prepared_reuse", () -> {
      List<Object> out = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT name, price FROM jdbc_products WHERE sku = ?")) {
        for (int i = 0; i < 8; i++) {
          ps.setString(1, "B-" + i);
          ResultSet rs = ps.executeQuery();
          rs.next();
          out.add(rs.getString(1) + "=" + rs.getBigDecimal(2).toPlainString());
          rs.close();
        }
      }
      return out;
    });

    steps.step("fetch_size_cursor", () -> {
      conn.setAutoCommit(false);
      List<Object> skus = new ArrayList<>();
      try (PreparedStatement ps = conn.prepareStatement("SELECT sku FROM jdbc_products WHERE sku LIKE 'B-%' ORDER BY id")) {
        ps.setFetchSize(4);
        ResultSet rs = ps.executeQuery();
        while (rs.next()) skus.add(rs.getString(1));
        rs.close();
      }
      conn.commit();
      conn.setAutoCommit(true);
      return row(skus.size(), skus.get(0), skus.get(24));
    });

    steps.step("metadata", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      DatabaseMetaData dm = conn.getMetaData();
      m.put("product", dm.getDatabaseProductName());
      m.put("major", dm.getDatabaseMajorVersion());
      m.put("driver", dm.getDriverName());
      try (Statement st = conn.createStatement()) {
        // columns from a table: label, java.sql.Types code, precision/scale from the typmod
        // (getColumnTypeName is not used here: for table columns pgjdbc looks up pg_attribute)
        ResultSet rs = st.executeQuery("SELECT id, sku, price, stock AS qty, active, updated FROM jdbc_products LIMIT 1");
        ResultSetMetaData md = rs.getMetaData();
        List<Object> cols = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) cols.add(row(md.getColumnLabel(i), md.getColumnType(i)));
        m.put("columns", cols);
        m.put("price_precision_scale", row(md.getPrecision(3), md.getScale(3)));
        m.put("sku_display_size", md.getColumnDisplaySize(2));
        rs.close();
        // computed columns: type names straight from the RowDescription OIDs
        rs = st.executeQuery("SELECT 1::int4 AS a, 'x'::text AS b, 2.5::numeric(6,2) AS c, true AS d, '2024-01-01'::date AS e, 1::int8 AS f");
        md = rs.getMetaData();
        List<Object> names = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) names.add(md.getColumnTypeName(i));
        m.put("computed_type_names", names);
        rs.close();
      }
      return m;
    });

    steps.step("transactions", () -> {
      conn.setAutoCommit(false);
      try (Statement st = conn.createStatement()) {
        st.executeUpdate("UPDATE jdbc_products SET stock = stock + 100 WHERE sku = 'SKU-1'");
        conn.commit();
        st.executeUpdate("UPDATE jdbc_products SET stock = 0");
        conn.rollback();
        st.executeUpdate("UPDATE jdbc_products SET stock = stock + 1 WHERE sku = 'SKU-1'");
        Savepoint sp = conn.setSavepoint("before_dup");
        String dup = sqlState(() -> st.executeUpdate("INSERT INTO jdbc_products (sku) VALUES ('SKU-1')"));
        conn.rollback(sp);
        st.executeUpdate("UPDATE jdbc_products SET stock = stock + 1 WHERE sku = 'SKU-1'");
        conn.commit();
        conn.setAutoCommit(true);
        List<List<Object>> r = rows(st.executeQuery("SELECT stock FROM jdbc_products WHERE sku = 'SKU-1'"));
        return row(dup, r);
      }
    });

    steps.step("errors", () -> {
      Map<String, Object> m = new LinkedHashMap<>();
      try (Statement st = conn.createStatement()) {
        m.put("syntax", sqlState(() -> st.execute("SELEC 1")));
        m.put("undefined_table", sqlState(() -> st.executeQuery("SELECT * FROM jdbc_nosuch")));
        m.put("undefined_column", sqlState(() -> st.executeQuery("SELECT nosuch FROM jdbc_products")));
        m.put("division", sqlState(() -> st.executeQuery("SELECT 1 / 0")));
        m.put("not_null", sqlState(() -> st.executeUpdate("INSERT INTO jdbc_products (sku) VALUES (NULL)")));
        m.put("too_long", sqlState(() -> st.executeUpdate("INSERT INTO jdbc_products (sku) VALUES ('" + "x".repeat(30) + "')")));
        try (PreparedStatement ps = conn.prepareStatement("SELECT ?::int4")) {
          ps.setString(1, "abc");
          m.put("bad_param", sqlState(() -> ps.executeQuery()));
        }
        ResultSet rs = st.executeQuery("SELECT 'alive'");
        rs.next();
        m.put("after", rs.getString(1));
        rs.close();
      }
      return m;
    });

    steps.step("teardown", () -> {
      try (Statement st = conn.createStatement()) {
        st.execute("DROP TABLE jdbc_products");
        return "dropped";
      }
    });

    conn.close();
    System.out.println(steps.json());
  }
}
