/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-log.c: what TASK.DMESG says without a target, and how a log's lines are written (as
 * the command and the window's Log tab show them): syslog priority, timestamp, Xen's lines as
 * they are.
 */
#include "config.h"

#include "hs-interp.h"
#include "hs-test-util.h"

#include <string.h>

static void
test_command (void)
{
  g_autoptr(HsEngine) engine = hs_engine_new ();
  g_autoptr(HsInterp) interp = hs_interp_new (engine);
  g_autofree char *help = hs_test_run_ok (interp, "HELP TASK.DMESG");
  g_autofree char *all = hs_test_run_ok (interp, "HELP");
  GError *error;

  g_assert_nonnull (strstr (help, "TASK.DMESG [/MACHINE n] [/Last n]"));
  g_assert_nonnull (strstr (all, "TASK.DMESG"));
  error = hs_test_run_fail (interp, "TASK.DMESG /MACHINE 2");
  g_assert_nonnull (strstr (error->message, "not attached"));
  g_error_free (error);
  error = hs_test_run_fail (interp, "TASK.DMESG /Last");
  g_assert_nonnull (strstr (error->message, "needs a value"));
  g_error_free (error);
  error = hs_test_run_fail (interp, "TASK.DMESG 2");
  g_assert_nonnull (strstr (error->message, "no arguments"));
  g_error_free (error);
}

/* What a log says about its lines, as the command and the view show them. */
static void
test_format (void)
{
  GArray *lines = hs_log_lines_new ();
  HsLogLine proto = { .seq = 7, .ts_nsec = G_GUINT64_CONSTANT (1234567891), .level = 6 };
  g_autoptr(HsLog) log = NULL;
  g_autoptr(HsLog) xen = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *user = NULL;
  g_autofree char *x = NULL;

  hs_log_append_text (lines, &proto, (const guint8 *) "one\ntwo", 7);
  proto.seq = 8;
  proto.facility = 1;
  proto.level = 5;
  proto.ts_nsec = 0;
  hs_log_append_text (lines, &proto, (const guint8 *) "from user space", 15);
  log = hs_log_new (2, FALSE, lines, 2, "a test", NULL);
  first = hs_log_format_line (log, 0);
  second = hs_log_format_line (log, 1);
  user = hs_log_format_line (log, 2);
  g_assert_cmpstr (first, ==, "<6>[    1.234567] one");
  g_assert_cmpstr (second, ==, "<6>[    1.234567] two");
  g_assert_cmpstr (user, ==, "<13>[    0.000000] from user space");
  g_assert_cmpuint (hs_log_get_first_new (log), ==, 2);
  g_assert_true (hs_log_has_earlier (log));
  g_assert_false (hs_log_is_hypervisor (log));
  g_assert_cmpuint (hs_log_get_machine (log), ==, 2);

  lines = hs_log_lines_new ();
  proto = (HsLogLine) { .seq = 40, .level = -1 };
  hs_log_append_text (lines, &proto, (const guint8 *) "(XEN) Xen version 4.17\n", 23);
  xen = hs_log_new (0, TRUE, lines, G_MAXUINT, "Xen's ring", "wrapped");
  x = hs_log_format_line (xen, 0);
  g_assert_cmpstr (x, ==, "(XEN) Xen version 4.17");
  g_assert_false (hs_log_has_earlier (xen));
  g_assert_cmpuint (hs_log_get_first_new (xen), ==, 1);
  g_assert_cmpstr (hs_log_get_warning (xen), ==, "wrapped");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Hs/Log/command", test_command);
  g_test_add_func ("/Hs/Log/format", test_format);
  return g_test_run ();
}
