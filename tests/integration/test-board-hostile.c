/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-board-hostile.c: a guest corrupted through the probe (Data.Set), one fault at a time,
 * checked and mended before the next: the views' commands stay quick and say what is wrong,
 * and the other guest and Xen stay whole.
 */
#include "config.h"

#include <string.h>

#include "hs-guest-model.h"
#include "hs-symbol-scope.h"
#include "hs-test-util.h"
#include "test-board.h"

/* A member's offset in a struct of machine @machine's vmlinux. */
static guint64
member_offset (guint       machine,
               const char *type,
               const char *member)
{
  HsSymbolScope *scope = hs_engine_get_symbol_scope (engine);
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (scope, machine);
  g_autoptr(GError) error = NULL;
  const HsSymbolBinding *b;
  guint64 offset = 0, size = 0;

  g_assert_cmpuint (bindings->len, >, 0);
  b = g_ptr_array_index (bindings, 0);
  g_assert_true (hs_symbol_file_member (b->file, type, member, &offset, &size, &error));
  g_assert_no_error (error);
  return offset;
}

guint64
read_quad (HsAccessClass access,
           guint         machine,
           guint64       address)
{
  HsAddress a = { access, machine, 0, address };
  HsMemoryRead *r = read_mem (&a, 8);
  guint64 v;

  g_assert_null (r->fault);
  memcpy (&v, g_bytes_get_data (r->data, NULL), 8);
  hs_memory_read_free (r);
  return GUINT64_FROM_LE (v);
}

/* Data.Set through the command line, as a user would break (or mend) the guest. */
void
set_bytes (const char *where,
           const char *format,
           guint64     value)
{
  g_autofree char *line = g_strdup_printf ("Data.Set %s %s 0x%" G_GINT64_MODIFIER "x", where,
                                           format, value);

  g_free (run_ok (line));
}

/* Runs @line and checks it comes back within a second, with valid UTF-8. */
static char *
run_quick (const char *line)
{
  gint64 start = g_get_monotonic_time ();
  char *out = run_ok (line);
  double s = (g_get_monotonic_time () - start) / 1e6;

  g_test_message ("%s: %.3f s", line, s);
  g_assert_cmpfloat (s, <, 1.0);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  return out;
}

static guint
count_lines_with (const char *text,
                  const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      n++;
  return n;
}

/* The broken guest's trouble is reported, machine 1 and Xen stay whole. */
static void
check_guest2_broken (const char *what,
                     const char *expect)
{
  g_autofree char *tasks2 = run_quick ("TASK.List /MACHINE 2.");
  g_autofree char *tasks1 = run_quick ("TASK.List /MACHINE 1.");
  g_autofree char *machines = run_quick ("MACHINE.List");

  g_test_message ("%s:\n%s", what, tasks2);
  if (strstr (tasks2, expect) == NULL)
    g_error ("%s: machine 2's task list does not say '%s':\n%s", what, expect, tasks2);
  g_assert_nonnull (strstr (tasks1, "linux1_ticker"));
  g_assert_cmpuint (count_lines_with (tasks1, "CORRUPT"), ==, 0);
  g_assert_nonnull (strstr (machines, "linux1"));
  g_assert_nonnull (strstr (machines, "linux2"));
}

static void
check_guest2_whole (void)
{
  g_autofree char *tasks2 = run_quick ("TASK.List /MACHINE 2.");

  g_assert_nonnull (strstr (tasks2, "linux2_ticker"));
  g_assert_cmpuint (count_lines_with (tasks2, "CORRUPT"), ==, 0);
}

/* With the board halted, machine 2's memory is broken through the probe in four ways, each
 * checked and mended before the next: the views' commands come back within a second, say what is
 * wrong, and the other guest and Xen are whole. The guest never runs while broken. */
static void
test_hostile_guest (void)
{
  HsAddress a = { HS_ACCESS_VIRTUAL, 2, 0, 0 };
  guint64 tasks_off = member_offset (2, "task_struct", "tasks");
  guint64 comm_off = member_offset (2, "task_struct", "comm");
  guint64 pid_off = member_offset (2, "task_struct", "pid");
  guint64 init_task, first, first_next, comm, pid;
  g_autofree char *at = NULL;
  const HsXenDomain *dom;

  ensure_tasks ();
  check_guest2_whole ();
  g_assert_true (hs_engine_lookup_symbol (engine, 2, 0, "init_task", &init_task, NULL));
  a.offset = init_task + tasks_off;
  first = read_quad (HS_ACCESS_VIRTUAL, 2, a.offset);           /* &first_task->tasks */

  /* (a) The first task's next link points back at itself: a cycle that never reaches the
   * head. */
  first_next = read_quad (HS_ACCESS_VIRTUAL, 2, first);
  at = g_strdup_printf ("2:::0x%" G_GINT64_MODIFIER "x", first);
  set_bytes (at, "%Quad", first);
  check_guest2_broken ("a cycle", "loops back");
  set_bytes (at, "%Quad", first_next);
  check_guest2_whole ();

  /* (b) init_task's next link points at an address nothing maps. */
  g_free (at);
  at = g_strdup_printf ("2:::0x%" G_GINT64_MODIFIER "x", init_task + tasks_off);
  set_bytes (at, "%Quad", G_GUINT64_CONSTANT (0xffff80dead000000));
  check_guest2_broken ("an unmapped link", "machine 2: ");
  set_bytes (at, "%Quad", first);
  check_guest2_whole ();

  /* (c) A task's name is not UTF-8 and its pid is 2^31. */
  {
    guint64 task = first - tasks_off;
    g_autofree char *comm_at = g_strdup_printf ("2:::0x%" G_GINT64_MODIFIER "x",
                                                task + comm_off);
    g_autofree char *pid_at = g_strdup_printf ("2:::0x%" G_GINT64_MODIFIER "x", task + pid_off);

    comm = read_quad (HS_ACCESS_VIRTUAL, 2, task + comm_off);
    pid = read_quad (HS_ACCESS_VIRTUAL, 2, task + pid_off) & 0xffffffff;
    set_bytes (comm_at, "%Quad", G_GUINT64_CONSTANT (0x00fffec3c3c3ff80));
    set_bytes (pid_at, "%Long", G_GUINT64_CONSTANT (0x80000000));
    check_guest2_broken ("a bad name and pid", "CORRUPT");
    set_bytes (comm_at, "%Quad", comm);
    set_bytes (pid_at, "%Long", pid);
    check_guest2_whole ();
  }

  /* (d) The level-0 entry that maps the kernel points at its own table. */
  dom = hs_guest_model_get_domain (hs_engine_get_guest_model (engine), 2);
  g_assert_nonnull (dom);
  g_assert_true (dom->has_saved_el1);
  {
    guint64 l0 = dom->ttbr1 & G_GUINT64_CONSTANT (0x0000fffffffff000);
    guint64 entry_at = l0 + ((init_task >> 39) & 0x1ff) * 8;
    guint64 entry = read_quad (HS_ACCESS_INTERMEDIATE, 2, entry_at);
    g_autofree char *ipa = g_strdup_printf ("I:2:::0x%" G_GINT64_MODIFIER "x", entry_at);

    g_assert_cmphex (entry & 3, ==, 3);
    set_bytes (ipa, "%Quad", l0 | 3);
    check_guest2_broken ("a table that points at itself", "machine 2: ");
    set_bytes (ipa, "%Quad", entry);
    check_guest2_whole ();
  }
}

/* The stage-2 base Xen keeps for a guest is what a core running it has in VTTBR_EL2. */
void
test_board_add_hostile_tests (void)
{
  g_test_add_func ("/Hs/Board/hostile-guest", test_hostile_guest);
}
