/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-board-modules.c: the guests' kernel modules against the board: the list as each guest's
 * /init printed it at boot (/proc/modules and /sys/module/M/sections: the oracle), their debug
 * files bound where the guest placed them, a breakpoint in module code, and each kernel's KASLR
 * slide (the default board boots with nokaslr: the slide is 0, and a wrong one set by hand is
 * found out).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hs-guest-model.h"
#include "hs-symbol-scope.h"
#include "hs-test-util.h"
#include "test-board.h"

/* "HYPERSCOPE-MODULE linux1 dummy 16384 0 - Live 0xffff80000105c000": module -> address. */
static GHashTable *
console_modules (const char *guest)
{
  g_autofree char *serial = hs_board_read_serial (board);
  g_autofree char *prefix = g_strdup_printf ("HYPERSCOPE-MODULE %s ", guest);
  g_auto(GStrv) lines = g_strsplit (serial, "\n", -1);
  GHashTable *modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; lines[i]; i++)
    {
      const char *l = strstr (lines[i], prefix);
      g_auto(GStrv) words = NULL;
      guint n;

      if (l == NULL)
        continue;
      words = g_strsplit_set (g_strstrip (g_strdup (l + strlen (prefix))), " ", -1);
      n = g_strv_length (words);
      g_assert_cmpuint (n, >=, 6);
      g_hash_table_insert (modules, g_strdup (words[0]), g_strdup (words[n - 1]));
    }
  return modules;
}

/* "HYPERSCOPE-MODSECT linux1 dummy .data 0xffff800001062000" for @module's @section. */
static guint64
console_section (const char *guest,
                 const char *module,
                 const char *section)
{
  g_autofree char *serial = hs_board_read_serial (board);
  g_autofree char *needle = g_strdup_printf ("HYPERSCOPE-MODSECT %s %s %s ", guest, module,
                                             section);
  const char *at = strstr (serial, needle);

  g_assert_nonnull (at);
  return g_ascii_strtoull (at + strlen (needle), NULL, 16);
}

static gboolean
module_has_symbols (gpointer data)
{
  HsModule *mod = hs_engine_find_module (engine, 1, data);

  return mod != NULL && (hs_module_get_symbols (mod) != NULL
                         || hs_module_get_symbols_note (mod) != NULL);
}

static void
test_modules (void)
{
  g_autofree char *dir = board_path ("modules_dbg");
  g_autofree char *cmd = g_strdup_printf ("sYmbol.AutoLOAD.PATH \"%s\"", dir);

  ensure_tasks ();
  g_free (run_ok (cmd));
  for (guint m = 1; m <= 2; m++)
    {
      g_autofree char *guest = g_strdup_printf ("linux%u", m);
      g_autoptr(GHashTable) oracle = console_modules (guest);
      g_autofree char *list = g_strdup_printf ("TASK.MODule /MACHINE %u", m);
      g_autofree char *out = run_ok (list);
      HsMachine *machine = hs_engine_get_machine (engine, m);
      GHashTableIter iter;
      gpointer name, address;

      g_test_message ("%s", out);
      g_assert_cmpuint (g_hash_table_size (oracle), >=, 2);
      g_assert_cmpuint (g_list_model_get_n_items (hs_machine_get_modules (machine)), ==,
                        g_hash_table_size (oracle));
      g_hash_table_iter_init (&iter, oracle);
      while (g_hash_table_iter_next (&iter, &name, &address))
        {
          HsModule *mod = hs_engine_find_module (engine, m, name);
          g_autofree char *row = NULL;
          guint64 text, size;

          g_assert_nonnull (mod);
          hs_module_get_text (mod, &text, &size);
          g_assert_cmphex (text, ==, g_ascii_strtoull (address, NULL, 16));
          g_assert_cmphex (hs_linux_module_find_section (hs_module_get_record (mod),
                                                         ".data")->address, ==,
                           console_section (guest, name, ".data"));
          row = g_strdup_printf ("  %-18s live     %s", (const char *) name,
                                 (const char *) address);
          g_assert_nonnull (strstr (out, row));
        }
    }

  /* The debug files were found and bound where the guest placed the sections. */
  hs_test_wait_until (module_has_symbols, (gpointer) "dummy", WAIT_S, "dummy's symbols");
  {
    g_autofree char *listed = run_ok ("sYmbol.AutoLOAD.List");
    g_autofree char *info = run_ok ("sYmbol.INFO 1:::dummy_get_stats64");
    HsModule *dummy = hs_engine_find_module (engine, 1, "dummy");
    guint64 address = 0;

    g_test_message ("%s\n%s", listed, info);
    g_assert_nonnull (hs_module_get_symbols (dummy));
    g_assert_nonnull (strstr (listed, "1:::dummy"));
    g_assert_nonnull (strstr (info, "drivers/net/dummy.c"));
    g_assert_true (hs_engine_lookup_symbol (engine, 1, 0, "dummy_get_stats64", &address, NULL));
    g_assert_cmphex (address, >=, console_section ("linux1", "dummy", ".text"));
    g_assert_cmphex (address, <, console_section ("linux1", "dummy", ".text") + 0x10000);
  }

  /* Each module read its build ID from the note in guest memory, and the debug file bound is
   * that build; another module's file is refused for it, saying why. */
  {
    HsModule *dummy = hs_engine_find_module (engine, 1, "dummy");
    HsModule *loop = hs_engine_find_module (engine, 1, "loop");
    g_autofree char *wrong = g_strdup_printf ("TASK.sYmbol.LOADMod dummy %s /MACHINE 1",
                                              hs_module_get_symbols (loop));
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;
    guint64 address;

    g_assert_cmpuint (hs_module_get_record (dummy)->build_id_len, ==, 20);
    out = run (wrong, &error);
    g_assert_null (out);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "is another build of dummy"));
    /* Nothing lost: dummy keeps its own symbols. */
    g_assert_true (hs_engine_lookup_symbol (engine, 1, 0, "dummy_get_stats64", &address, NULL));
    g_assert_nonnull (hs_module_get_symbols (dummy));
  }
}

/* A module that leaves the guest's list (as an unload leaves it) is gone at the next read of
 * the guest, with its symbols; back in the list, it is found and bound again. The guest never
 * runs without it. */
static void
test_module_gone_and_back (void)
{
  HsMachine *machine = hs_engine_get_machine (engine, 1);
  GListModel *modules = hs_machine_get_modules (machine);
  g_autoptr(HsModule) first = g_list_model_get_item (modules, 0);
  g_autofree char *name = g_strdup (hs_module_get_name (first));
  g_autofree char *at = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *back = NULL;
  guint64 head, first_list, second_list;
  guint n = g_list_model_get_n_items (modules);

  const char *function = g_str_equal (name, "dummy") ? "dummy_get_stats64"
                                                     : "loop_attr_do_show_backing_file";
  g_autofree char *set = g_strdup_printf ("Break.Set 1:::%s /MACHINE 1", function);
  HsBreakpoint *bp;

  ensure_halted ();
  g_assert_nonnull (hs_module_get_symbols (first));
  /* A breakpoint in its code, which must not stay planted once the module is gone. */
  g_free (run_ok (set));
  g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_breakpoints (engine)), ==, 1);
  bp = g_list_model_get_item (hs_engine_get_breakpoints (engine), 0);
  g_object_unref (bp);   /* the list keeps it */
  g_assert_true (hs_breakpoint_get_enabled (bp));
  g_assert_true (hs_engine_lookup_symbol (engine, 1, 0, "modules", &head, NULL));
  first_list = read_quad (HS_ACCESS_VIRTUAL, 1, head);
  second_list = read_quad (HS_ACCESS_VIRTUAL, 1, first_list);
  at = g_strdup_printf ("1:::0x%" G_GINT64_MODIFIER "x", head);

  set_bytes (at, "%Quad", second_list);
  gone = run_ok ("TASK.MODule /MACHINE 1");
  g_test_message ("%s", gone);
  g_assert_cmpuint (g_list_model_get_n_items (modules), ==, n - 1);
  g_assert_null (hs_engine_find_module (engine, 1, name));
  {
    guint64 address;

    /* Its symbols went with it, and the breakpoint in its code is off, and said so. */
    g_assert_false (hs_engine_lookup_symbol (engine, 1, 0, function, &address, NULL));
    g_assert_false (hs_breakpoint_get_enabled (bp));
    g_autofree char *said = g_strdup_printf ("module %s is gone: breakpoint %u (%s) is disabled",
                                             name, hs_breakpoint_get_id (bp), function);

    g_assert_nonnull (strstr (gone, said));
  }

  set_bytes (at, "%Quad", first_list);
  back = run_ok ("TASK.MODule /MACHINE 1");
  g_test_message ("%s", back);
  g_assert_cmpuint (g_list_model_get_n_items (modules), ==, n);
  g_assert_nonnull (hs_engine_find_module (engine, 1, name));
  g_assert_nonnull (hs_module_get_symbols (hs_engine_find_module (engine, 1, name)));
  g_free (run_ok ("Break.Delete"));
}

/* A breakpoint in a module's function, for one guest: the stop report and the frames name the
 * module's function and its source line, and the kernel's callers below it. */
static void
test_module_breakpoint (void)
{
  g_autofree char *set = NULL;
  g_autofree char *stop = NULL;
  g_autofree char *frames = NULL;

  ensure_halted ();
  set = run_ok ("Break.Set 1:::dummy_get_stats64 /MACHINE 1");
  g_assert_nonnull (strstr (set, "dummy_get_stats64"));
  g_free (run_ok ("Go"));
  stop = run_ok ("WAIT !STATE.RUN() 20.s");
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
  g_assert_cmpuint (hs_engine_get_current_machine (engine), ==, 1);
  frames = run_ok ("Frame.view");
  g_test_message ("%s\n%s", stop, frames);
  /* The stop report names the module's function and its line. */
  g_assert_nonnull (strstr (stop, " dummy_get_stats64 ("));
  g_assert_nonnull (strstr (stop, "drivers/net/dummy.c:"));
  g_assert_nonnull (strstr (stop, "machine 1 (linux1)"));
  g_assert_nonnull (strstr (frames, "dummy_get_stats64+0x0 ("));
  g_assert_nonnull (strstr (frames, "dummy.c:"));
  g_assert_nonnull (strstr (frames, "dev_get_stats"));
  g_free (run_ok ("Break.Delete"));
}

/* With nokaslr the slide is 0, confirmed; a wrong one set by hand moves every symbol (the
 * tasks are not found), and AUTO gives the kernel back to detection. */
static void
test_kaslr_slide (void)
{
  g_autofree char *shown = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *back = NULL;
  g_autofree char *machines = NULL;
  g_autofree char *tasks = NULL;

  ensure_tasks ();
  shown = run_ok ("sYmbol.RELOCate /MACHINE 1");
  g_assert_nonnull (strstr (shown, "slid by 0x0"));
  wrong = run_ok ("sYmbol.RELOCate 0x200000 /MACHINE 1");
  g_assert_nonnull (strstr (wrong, "slid by 0x200000 (set by the user)"));
  machines = run_ok ("MACHINE.List");
  g_assert_nonnull (strstr (machines, "kernel slide (KASLR) 0x200000, set by the user"));
  tasks = run_ok ("TASK.List /MACHINE 1");
  g_assert_null (strstr (tasks, "linux1_ticker"));
  back = run_ok ("sYmbol.RELOCate AUTO /MACHINE 1");
  g_free (tasks);
  tasks = run_ok ("TASK.List /MACHINE 1");
  g_assert_nonnull (strstr (tasks, "linux1_ticker"));
  g_free (back);
  back = run_ok ("sYmbol.RELOCate /MACHINE 1");
  g_assert_nonnull (strstr (back, "slid by 0x0"));
}

void
test_board_add_module_tests (void)
{
  g_test_add_func ("/Hs/Board/modules", test_modules);
  g_test_add_func ("/Hs/Board/module-gone-and-back", test_module_gone_and_back);
  g_test_add_func ("/Hs/Board/module-breakpoint", test_module_breakpoint);
  g_test_add_func ("/Hs/Board/kaslr-slide", test_kaslr_slide);
}
