/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-board-logs.c: the kernel logs against the board: each guest's printk ring (TASK.DMESG)
 * against what its console printed through Xen (the serial log), for a guest a core runs and
 * one no core does, and Xen's console ring with its banner and the guests' lines.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hs-guest-model.h"
#include "hs-test-util.h"
#include "test-board.h"

/* Before any symbols: which file to load, said plainly. */
static void
test_dmesg_no_symbols (void)
{
  g_autoptr(GError) error = NULL;

  ensure_halted ();
  g_assert_null (run ("TASK.DMESG /MACHINE 0", &error));
  g_assert_nonnull (strstr (error->message, "machine 0 has no symbols: load Xen's xen-syms with "
                                            "Data.LOAD.Elf"));
  g_clear_error (&error);
  /* A guest is a machine once Xen's symbols are known, or a core was seen in it. */
  g_assert_null (run ("TASK.DMESG /MACHINE 2.", &error));
  g_test_message ("%s", error->message);
  g_assert_true (strstr (error->message, "machine 2 does not exist") != NULL
                 || strstr (error->message, "machine 2 has no symbols: load its vmlinux with "
                                            "Data.LOAD.Elf") != NULL);
  g_clear_error (&error);
  g_free (run_ok ("Go"));
  g_assert_null (run ("TASK.DMESG /MACHINE 0", &error));
  g_assert_nonnull (strstr (error->message, "halt it first"));
  g_free (run_ok ("Break"));
}

/* The kernel's console lines machine @machine printed, as the serial log has them through Xen
 * ("(XEN) DOM2: [    5.612547] Run /init as init process"): "[    5.612547] Run ...". Xen's
 * vpl011 cuts a line at 126 bytes; the piece after a cut does not start with '['. */
static GPtrArray *
console_kernel_lines (guint machine)
{
  g_autofree char *serial = hs_board_read_serial (board);
  g_autofree char *prefix = g_strdup_printf ("(XEN) DOM%u: [", machine);
  g_auto(GStrv) lines = g_strsplit (serial, "\n", -1);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], prefix))
      g_ptr_array_add (out, g_strdup (g_strchomp (lines[i] + strlen (prefix) - 1)));
  return out;
}

/* TASK.DMESG's lines the console printed too: those under the console's log level (7, so all
 * but KERN_DEBUG), "<6>[...] text" -> "[...] text". */
static GPtrArray *
dmesg_console_lines (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *kept = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i]; i++)
    {
      guint prio;
      int n = 0;

      if (sscanf (lines[i], "<%u>%n", &prio, &n) == 1 && n > 0 && lines[i][n] == '[' && prio % 8 < 7)
        g_ptr_array_add (kept, g_strdup (lines[i] + n));
    }
  return kept;
}

/* The log ends with what the guest's console printed last, line for line. */
static void
assert_dmesg_ends_like_console (guint       machine,
                                const char *out)
{
  g_autoptr(GPtrArray) console = console_kernel_lines (machine);
  g_autoptr(GPtrArray) dmesg = dmesg_console_lines (out);
  guint k = MIN (12, console->len);

  g_assert_cmpuint (console->len, >=, 100);
  g_assert_cmpuint (dmesg->len, >=, k);
  for (guint i = 1; i <= k; i++)
    {
      const char *want = g_ptr_array_index (console, console->len - i);
      const char *got = g_ptr_array_index (dmesg, dmesg->len - i);

      /* The serial line may be cut at vpl011's 126 bytes. */
      if (!g_str_has_prefix (got, want))
        g_error ("machine %u: line %u from the end: the console printed\n  %s\nTASK.DMESG shows\n"
                 "  %s", machine, i, want, got);
    }
  g_test_message ("machine %u: the last %u console lines are the log's last", machine, k);
}

static void
test_dmesg_matches_console (void)
{
  g_autofree char *out = NULL;
  g_autofree char *last = NULL;

  ensure_halted ();
  /* What the kernel logs, its console has printed (the guests are quiet once booted). */
  g_free (run_ok ("Go"));
  g_free (run_ok ("WAIT 500.ms"));
  g_free (run_ok ("Break"));
  out = run_ok ("TASK.DMESG /MACHINE 2.");
  g_assert_nonnull (strstr (out, "<5>[    0.000000] Linux version 6.1.0-"));
  g_assert_nonnull (strstr (out, "] Run /init as init process\n"));
  g_assert_nonnull (strstr (out, "hsname=linux2"));
  g_assert_null (strstr (out, "hsname=linux1"));
  assert_dmesg_ends_like_console (2, out);
  /* /Last n: the end, n lines. */
  last = run_ok ("TASK.DMESG /MACHINE 2. /Last 3");
  g_assert_true (g_str_has_suffix (out, last));
  {
    g_auto(GStrv) lines = g_strsplit (last, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), <=, 5);
  }
}

/* A guest no core runs: its memory is walked from what Xen saved of it. */
static void
test_dmesg_inactive_guest (void)
{
  HsGuestModel *model = hs_engine_get_guest_model (engine);
  gboolean found = FALSE;

  for (guint attempt = 0; attempt < 60 && !found; attempt++)
    {
      const HsXenDomain *dom;

      ensure_halted ();
      dom = hs_guest_model_get_domain (model, 1);
      g_assert_nonnull (dom);
      found = TRUE;
      for (guint v = 0; v < dom->n_vcpu_info; v++)
        found &= !dom->vcpus[v].running;
      /* ... and no core is inside it, whatever Xen's bookkeeping says. */
      for (guint c = 0; c < 4 && found; c++)
        found = !(hs_core_get_exception_level (hs_engine_get_core (engine, c)) < 2
                  && machine_of_vmid ((guint) (reg (c, "VTTBR_EL2") >> 48)) == 1);
      if (!found)
        {
          g_free (run_ok ("Go"));
          g_free (run_ok ("WAIT 30.ms"));
          g_free (run_ok ("Break"));
        }
    }
  g_assert_true (found);
  {
    g_autofree char *out = run_ok ("TASK.DMESG /MACHINE 1.");

    g_assert_nonnull (strstr (out, "] Linux version 6.1.0-"));
    g_assert_nonnull (strstr (out, "hsname=linux1"));
    assert_dmesg_ends_like_console (1, out);
  }
}

/* Machine 0: Xen's console ring, its boot banner and the guests' consoles through it. */
static void
test_dmesg_xen (void)
{
  g_autofree char *serial = hs_board_read_serial (board);
  g_auto(GStrv) serial_lines = g_strsplit (serial, "\n", -1);
  g_autofree char *out = NULL;
  guint n = g_strv_length (serial_lines), checked = 0;

  ensure_halted ();
  out = run_ok ("TASK.DMESG /MACHINE 0");
  g_assert_nonnull (strstr (out, "(XEN) Xen version 4.17"));
  g_assert_nonnull (strstr (out, "(XEN) DOM1: [    0.000000] Booting Linux"));
  g_assert_nonnull (strstr (out, "(XEN) DOM2: HYPERSCOPE-READY linux2\n"));
  g_assert_null (strstr (out, "\r"));
  /* The serial log's last lines (Xen adds "\r" there) are in the ring, whole. */
  for (guint i = n; i > 0 && checked < 10; i--)
    {
      gsize len = strlen (serial_lines[i - 1]);
      g_autofree char *want = NULL;

      /* The guests' "\r\n" and the "\r" Xen's serial driver adds. */
      while (len > 0 && serial_lines[i - 1][len - 1] == '\r')
        serial_lines[i - 1][--len] = '\0';
      if (len == 0)
        continue;
      want = g_strdup_printf ("\n%s\n", serial_lines[i - 1]);
      if (strstr (out, want) == NULL)
        g_error ("the serial log's\n  %s\nis not in Xen's console ring:\n%s", want, out);
      checked++;
    }
}

/* Lines that came since the last halt's read follow the marker; none at the same halt. */
static void
test_dmesg_new_lines (void)
{
  g_autofree char *before = NULL;
  g_autofree char *again = NULL;
  g_autofree char *after = NULL;
  const char *marker;

  ensure_halted ();
  before = run_ok ("TASK.DMESG /MACHINE 0 /Last 5");
  again = run_ok ("TASK.DMESG /MACHINE 0 /Last 5");
  g_assert_null (strstr (again, "new since the last halt"));
  /* The tickers print every 10 s. */
  g_free (run_ok ("Go"));
  g_free (run_ok ("WAIT 11.s"));
  g_free (run_ok ("Break"));
  after = run_ok ("TASK.DMESG /MACHINE 0 /Last 20");
  g_test_message ("%s", after);
  marker = strstr (after, "── new since the last halt ──\n");
  g_assert_nonnull (marker);
  g_assert_nonnull (strstr (marker, "_ticker: tick "));
  /* What was there before is before the marker. */
  {
    g_auto(GStrv) old = g_strsplit (before, "\n", -1);
    const char *last_old = old[0] && old[1] ? old[g_strv_length (old) - 2] : NULL;

    g_assert_nonnull (last_old);
    g_assert_nonnull (strstr (after, last_old));
    g_assert_true (strstr (after, last_old) < marker);
  }
}

void
test_board_add_log_tests_before_symbols (void)
{
  g_test_add_func ("/Hs/Board/dmesg-no-symbols", test_dmesg_no_symbols);
}

void
test_board_add_log_tests (void)
{
  g_test_add_func ("/Hs/Board/dmesg-matches-console", test_dmesg_matches_console);
  g_test_add_func ("/Hs/Board/dmesg-inactive-guest", test_dmesg_inactive_guest);
  g_test_add_func ("/Hs/Board/dmesg-xen", test_dmesg_xen);
  g_test_add_func ("/Hs/Board/dmesg-new-lines", test_dmesg_new_lines);
}
