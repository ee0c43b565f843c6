// The idle heap of rdev-api: clients, pools, indexes and gzip writers that every pod holds.
import { frame, GO, HEAP_FUNCTIONS, RDEV, type Site, serve } from "./frames.ts";

const MiB = 1024 * 1024;

/** The idle heap, split across background sites by fraction (sums to 1). */
export const BACKGROUND: { share: number; site: Site }[] = [
  {
    share: 10 / 58,
    site: {
      stack: [
        frame(HEAP_FUNCTIONS.jsonRefill, `${GO}/encoding/json/stream.go`, 165),
        frame("encoding/json.(*Decoder).Decode", `${GO}/encoding/json/stream.go`, 63),
        frame("github.com/rdev/rdev/internal/api.decodeJSON", `${RDEV}/internal/api/json.go`, 22),
        frame(
          "github.com/rdev/rdev/internal/api.(*Server).handleRunCommand",
          `${RDEV}/internal/api/commands.go`,
          31,
        ),
        ...serve,
      ],
      objectBytes: 4096,
      churnBytesPerSecond: 6 * MiB,
    },
  },
  {
    share: 16 / 58,
    site: {
      stack: [
        frame(HEAP_FUNCTIONS.flateNewWriter, `${GO}/compress/flate/deflate.go`, 667),
        frame("compress/gzip.(*Writer).Write", `${GO}/compress/gzip/gzip.go`, 191),
        frame(
          "github.com/rdev/rdev/internal/api.gzipResponseWriter.Write",
          `${RDEV}/internal/api/gzip.go`,
          40,
        ),
        ...serve,
      ],
      objectBytes: 671_744,
      churnBytesPerSecond: 1 * MiB,
    },
  },
  {
    share: 2 / 58,
    site: {
      stack: [
        frame(HEAP_FUNCTIONS.malg, `${GO}/runtime/proc.go`, 4953),
        frame("runtime.newproc1", `${GO}/runtime/proc.go`, 5015),
        frame("runtime.newproc.func1", `${GO}/runtime/proc.go`, 4992),
        frame("runtime.systemstack", `${GO}/runtime/asm_amd64.s`, 514),
      ],
      objectBytes: 448,
      churnBytesPerSecond: 0.05 * MiB,
    },
  },
  {
    share: 8 / 58,
    site: {
      stack: [
        frame(
          "github.com/rdev/rdev/internal/projects.(*Index).Load",
          `${RDEV}/internal/projects/index.go`,
          77,
        ),
        frame(
          "github.com/rdev/rdev/internal/projects.NewService",
          `${RDEV}/internal/projects/service.go`,
          40,
        ),
        frame("main.run", `${RDEV}/cmd/rdev-api/main.go`, 58),
        frame("main.main", `${RDEV}/cmd/rdev-api/main.go`, 21),
        frame("runtime.main", `${GO}/runtime/proc.go`, 283),
      ],
      objectBytes: 2048,
      churnBytesPerSecond: 0,
    },
  },
  {
    share: 6 / 58,
    site: {
      stack: [
        frame(
          "github.com/jackc/pgx/v5/pgproto3.NewFrontend",
          "github.com/jackc/pgx/v5@v5.7.5/pgproto3/frontend.go",
          88,
        ),
        frame(
          "github.com/jackc/pgx/v5/pgconn.connectOne",
          "github.com/jackc/pgx/v5@v5.7.5/pgconn/pgconn.go",
          356,
        ),
        frame(
          "github.com/jackc/pgx/v5/pgxpool.(*Pool).createIdleResources.func1",
          "github.com/jackc/pgx/v5@v5.7.5/pgxpool/pool.go",
          600,
        ),
      ],
      objectBytes: 8192,
      churnBytesPerSecond: 0.5 * MiB,
    },
  },
  {
    share: 4 / 58,
    site: {
      stack: [
        frame("crypto/tls.(*Conn).readRecordOrCCS", `${GO}/crypto/tls/conn.go`, 624),
        frame("crypto/tls.(*Conn).Read", `${GO}/crypto/tls/conn.go`, 1370),
        frame("net/http.(*persistConn).Read", `${GO}/net/http/transport.go`, 2125),
        frame("bufio.(*Reader).fill", `${GO}/bufio/bufio.go`, 113),
        frame("net/http.(*persistConn).readLoop", `${GO}/net/http/transport.go`, 2278),
      ],
      objectBytes: 18_432,
      churnBytesPerSecond: 2 * MiB,
    },
  },
  {
    share: 4 / 58,
    site: {
      stack: [
        frame("net/http.(*Transport).dialConn", `${GO}/net/http/transport.go`, 1873),
        frame("net/http.(*Transport).dialConnFor", `${GO}/net/http/transport.go`, 1531),
      ],
      objectBytes: 4096,
      churnBytesPerSecond: 0.5 * MiB,
    },
  },
  {
    share: 3 / 58,
    site: {
      stack: [
        frame(
          "github.com/redis/go-redis/v9/internal/pool.NewConn",
          "github.com/redis/go-redis/v9@v9.12.1/internal/pool/conn.go",
          34,
        ),
        frame(
          "github.com/redis/go-redis/v9/internal/pool.(*ConnPool).dialConn",
          "github.com/redis/go-redis/v9@v9.12.1/internal/pool/pool.go",
          244,
        ),
      ],
      objectBytes: 32_768,
      churnBytesPerSecond: 0.1 * MiB,
    },
  },
  {
    share: 3 / 58,
    site: {
      stack: [
        frame(
          "github.com/prometheus/client_golang/prometheus.(*Registry).Gather",
          "github.com/prometheus/client_golang@v1.23.0/prometheus/registry.go",
          480,
        ),
        frame(
          "github.com/prometheus/client_golang/prometheus/promhttp.HandlerForTransactional.func1",
          "github.com/prometheus/client_golang@v1.23.0/prometheus/promhttp/http.go",
          128,
        ),
        ...serve,
      ],
      objectBytes: 512,
      churnBytesPerSecond: 0.3 * MiB,
    },
  },
  {
    share: 2 / 58,
    site: {
      stack: [
        frame("regexp/syntax.(*compiler).inst", `${GO}/regexp/syntax/compile.go`, 164),
        frame("regexp.compile", `${GO}/regexp/regexp.go`, 186),
        frame("regexp.MustCompile", `${GO}/regexp/regexp.go`, 313),
        frame("github.com/rdev/rdev/internal/exec.init", `${RDEV}/internal/exec/sanitize.go`, 12),
        frame("runtime.doInit1", `${GO}/runtime/proc.go`, 7350),
      ],
      objectBytes: 1024,
      churnBytesPerSecond: 0,
    },
  },
];
