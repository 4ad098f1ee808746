/*
 * A Kafka-protocol cluster for tests and local runs: librdkafka's built-in mock cluster.
 *
 * Usage: mock-cluster <brokers> <topic>:<partitions> [<topic>:<partitions> ...]
 * Prints "BOOTSTRAP <host:port,...>" once the cluster listens on loopback, then reads
 * fault-injection commands from stdin, one per line, and answers "OK" or "ERR <reason>":
 *   down <broker|-1>                    disconnect a broker and refuse new connections
 *   up <broker|-1>                      accept connections again
 *   rtt <broker|-1> <ms>                add round-trip latency
 *   errors <apiKey> <count> <errCode>   fail the next <count> requests of that type
 *   quit                                stop (EOF and SIGTERM do the same)
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop = 0;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <brokers> [topic:partitions ...]\n", argv[0]);
    return 2;
  }
  int brokers = atoi(argv[1]);
  if (brokers < 1) brokers = 1;
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* The mock cluster binds to 127.0.0.1 on ephemeral ports. */
  rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) {
    fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
    return 1;
  }
  for (int i = 2; i < argc; i++) {
    char name[256];
    int parts = 1;
    const char *colon = strrchr(argv[i], ':');
    size_t len = colon ? (size_t)(colon - argv[i]) : strlen(argv[i]);
    if (len == 0 || len >= sizeof(name)) {
      fprintf(stderr, "bad topic spec: %s\n", argv[i]);
      return 2;
    }
    memcpy(name, argv[i], len);
    name[len] = '\0';
    if (colon) parts = atoi(colon + 1);
    if (parts < 1) parts = 1;
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name, parts, brokers < 3 ? brokers : 3);
    if (err) {
      fprintf(stderr, "topic %s: %s\n", name, rd_kafka_err2str(err));
      return 1;
    }
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  char line[512];
  while (!stop && fgets(line, sizeof(line), stdin)) {
    char cmd[32];
    int a = 0, b = 0, c = 0;
    int n = sscanf(line, "%31s %d %d %d", cmd, &a, &b, &c);
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (n < 1) continue;
    if (!strcmp(cmd, "quit")) break;
    else if (!strcmp(cmd, "down") && n >= 2) err = rd_kafka_mock_broker_set_down(mc, a);
    else if (!strcmp(cmd, "up") && n >= 2) err = rd_kafka_mock_broker_set_up(mc, a);
    else if (!strcmp(cmd, "rtt") && n >= 3) err = rd_kafka_mock_broker_set_rtt(mc, a, b);
    else if (!strcmp(cmd, "errors") && n >= 4) {
      rd_kafka_resp_err_t *errs = calloc((size_t)b, sizeof(*errs));
      for (int i = 0; i < b; i++) errs[i] = (rd_kafka_resp_err_t)c;
      rd_kafka_mock_push_request_errors_array(mc, (int16_t)a, (size_t)b, errs);
      free(errs);
    } else {
      printf("ERR unknown command\n");
      fflush(stdout);
      continue;
    }
    if (err) printf("ERR %s\n", rd_kafka_err2str(err));
    else printf("OK\n");
    fflush(stdout);
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
