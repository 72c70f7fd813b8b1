/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-guest-tree.c: the guest tree under Xvfb, on an engine fed with
 * halts built here (no target): two cores, two guests with vCPUs, and a few
 * processes, threads and kernel threads. The halts go through the engine's
 * own main-thread path (hs_engine_apply_guests/apply_tasks), as a real halt's
 * snapshot does.
 */
#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "hs-core.h"
#include "hs-engine.h"
#include "hs-fake-probe.h"
#include "hs-guest-tree.h"
#include "hs-test-util.h"
#include "hs-widgets.h"

/* ---- a synthetic target ----------------------------------------------------------------- */

/* Core 0 in Xen (EL2h) with no guest; core 1 in guest 1 (EL1h, VMID 1): a fake probe's. */
static void
spin (guint ms)
{
  hs_test_spin (ms);
}

static HsFakeProbe *
attach_cores (HsEngine *engine)
{
  HsFakeProbe *probe = hs_fake_probe_new (2);
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;

  hs_fake_probe_set_register (probe, 0, "pc", 0x00000000002a1000);
  hs_fake_probe_set_register (probe, 0, "cpsr", 0x9);
  hs_fake_probe_set_register (probe, 1, "pc", 0xffff800008123456);
  hs_fake_probe_set_register (probe, 1, "cpsr", 0x5);
  hs_fake_probe_set_register (probe, 1, "VTTBR_EL2", G_GUINT64_CONSTANT (1) << 48 | 0x40000000);
  hs_engine_attach_async (engine, HS_PROBE (probe), NULL, hs_test_store_result, &result);
  g_assert_true (hs_engine_attach_finish (engine, hs_test_wait_result (&result, 10), &error));
  g_assert_no_error (error);
  g_object_unref (result);
  return probe;
}

static void
add_task (GArray     *tasks,
          guint       machine,
          gint        pid,
          gint        tgid,
          const char *comm,
          guint64     state,
          gboolean    kernel,
          gint        vcpu,
          gint        core)
{
  HsTaskRecord t = { 0 };

  t.machine = machine;
  t.info.task = 0xffff000010000000 + (guint64) machine * 0x100000 + (guint64) pid * 0x1000;
  t.info.pid = pid;
  t.info.tgid = tgid;
  t.info.ppid = 1;
  g_strlcpy (t.info.comm, comm, sizeof t.info.comm);
  t.info.state = state;
  t.info.kernel_thread = kernel;
  t.info.is_thread = pid != tgid;
  t.info.cpu = pid % 2;
  t.current_vcpu = vcpu;
  t.core = core;
  g_array_append_val (tasks, t);
}

/* One halt's guests and tasks as the worker would leave them; @sh_state is process 50's
 * task->__state. */
typedef struct
{
  GArray *guests;
  guint64 current_vcpus[2];
  GArray *tasks;
} Halt;

static void
halt_free (Halt *h)
{
  g_array_unref (h->guests);
  g_array_unref (h->tasks);
  g_free (h);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Halt, halt_free)

static Halt *
new_halt (guint64 sh_state)
{
  Halt *h = g_new0 (Halt, 1);
  HsXenDomain dom = { 0 };

  h->guests = hs_xen_domains_new ();
  dom.machine = 1;
  dom.domain_id = 1;
  dom.vmid = 1;
  dom.vttbr = G_GUINT64_CONSTANT (1) << 48 | 0x40000000;
  dom.n_vcpus = dom.n_vcpu_info = 2;
  dom.vcpus = g_new0 (HsXenVcpu, 2);
  dom.vcpus[0] = (HsXenVcpu) { .id = 0, .va = 0xa000, .processor = 1, .running = TRUE };
  dom.vcpus[1] = (HsXenVcpu) { .id = 1, .va = 0xb000, .processor = 0, .pause_flags = 1,
                               .has_guest_regs = TRUE, .pc = 0xffff800008001234 };
  g_array_append_val (h->guests, dom);
  memset (&dom, 0, sizeof dom);
  dom.machine = 2;
  dom.domain_id = 2;
  dom.vmid = 2;
  dom.vttbr = G_GUINT64_CONSTANT (2) << 48 | 0x48000000;
  dom.n_vcpus = dom.n_vcpu_info = 1;
  dom.vcpus = g_new0 (HsXenVcpu, 1);
  dom.vcpus[0] = (HsXenVcpu) { .id = 0, .va = 0xc000, .processor = 0, .has_guest_regs = TRUE,
                               .pc = 0xffff800008005678 };
  g_array_append_val (h->guests, dom);
  h->current_vcpus[1] = 0xa000;

  h->tasks = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  g_array_set_clear_func (h->tasks, hs_task_record_clear);
  add_task (h->tasks, 1, 1, 1, "init", 1, FALSE, -1, -1);
  add_task (h->tasks, 1, 2, 2, "kthreadd", 1, TRUE, -1, -1);
  add_task (h->tasks, 1, 3, 3, "kworker/0:1", 0x402, TRUE, -1, -1);
  add_task (h->tasks, 1, 50, 50, "sh", sh_state, FALSE, -1, -1);
  add_task (h->tasks, 1, 60, 60, "app", 1, FALSE, -1, -1);
  add_task (h->tasks, 1, 61, 60, "app-worker", 0, FALSE, 0, 1);
  add_task (h->tasks, 1, 62, 60, "app-io", 2, FALSE, -1, -1);
  add_task (h->tasks, 2, 1, 1, "init", 1, FALSE, -1, -1);
  add_task (h->tasks, 2, 70, 70, "getty", 1, FALSE, 0, -1);
  return h;
}

static void
apply (HsEngine *engine,
       Halt     *h)
{
  HsLinuxModule modules[2] = {
    { .module = 0xffff800001062000, .name = "dummy", .text = 0xffff80000105c000,
      .text_size = 0x3e8, .data = 0xffff800001060000, .data_size = 0x2000 },
    { .module = 0xffff800001082000, .name = "loop", .text = 0xffff800001070000,
      .text_size = 0x4000, .data = 0xffff800001078000, .data_size = 0x3000 },
  };

  hs_guest_model_apply (hs_engine_get_guest_model (engine), h->guests, h->current_vcpus, 2,
                        h->tasks, NULL);
  /* Machine 1's kernel modules, as a halt lists them. */
  hs_machine_set_modules (hs_engine_get_machine (engine, 1), modules, G_N_ELEMENTS (modules));
}

/* ---- helpers ---------------------------------------------------------------------------- */

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, type);

      if (found)
        return found;
    }
  return NULL;
}

static guint
count_inscriptions (GtkWidget  *widget,
                    const char *text)
{
  guint n = 0;

  if (GTK_IS_INSCRIPTION (widget) && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    n++;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    n += count_inscriptions (c, text);
  return n;
}

static char *
dump (HsGuestTree *tree)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < hs_guest_tree_get_n_rows (tree); i++)
    {
      g_autofree char *text = hs_guest_tree_get_row_text (tree, i);

      g_string_append_printf (s, "%2u  %s\n", i, text);
    }
  return g_string_free (s, FALSE);
}

/* The row whose text starts with @prefix; fails the test when there is none. */
static guint
find_row (HsGuestTree *tree,
          const char  *prefix)
{
  for (guint i = 0; i < hs_guest_tree_get_n_rows (tree); i++)
    {
      g_autofree char *text = hs_guest_tree_get_row_text (tree, i);

      if (g_str_has_prefix (text, prefix))
        return i;
    }
  g_error ("no row starts with '%s'", prefix);
  return 0;
}

static void
assert_row (HsGuestTree *tree,
            guint        row,
            const char  *prefix)
{
  g_autofree char *text = hs_guest_tree_get_row_text (tree, row);

  if (text == NULL || !g_str_has_prefix (text, prefix))
    g_error ("row %u is '%s', not '%s...'", row, text ? text : "(none)", prefix);
}

static void
on_task (HsGuestTree *tree,
         HsTask      *task,
         HsTask     **out)
{
  g_set_object (out, task);
}

static void
on_machine (HsGuestTree *tree,
            guint        machine,
            guint       *out)
{
  *out = machine;
}

static void
on_vcpu (HsGuestTree *tree,
         HsVcpu      *vcpu,
         HsVcpu     **out)
{
  g_set_object (out, vcpu);
}

static void
on_open_registers (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       data)
{
  *(guint *) data = g_variant_get_uint32 (parameter);
}

/* ---- the test --------------------------------------------------------------------------- */

static void
test_guest_tree (void)
{
  g_autoptr(HsEngine) engine = hs_engine_new ();
  g_autoptr(Halt) first = new_halt (1);
  g_autoptr(Halt) second = new_halt (0);
  g_autoptr(HsFakeProbe) probe = NULL;
  g_autoptr(GSimpleActionGroup) win_actions = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) open_registers = NULL;
  g_autoptr(HsTask) activated_task = NULL;
  g_autoptr(HsVcpu) activated_vcpu = NULL;
  g_autoptr(GObject) sh_row = NULL;
  g_autoptr(GObject) sh_row_after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *png = NULL;
  guint activated_machine = G_MAXUINT, registers_of = G_MAXUINT;
  GtkWidget *window, *widget, *list, *popover;
  GtkSelectionModel *selection;
  HsGuestTree *tree;
  guint n, sh, app, kernel;

  probe = attach_cores (engine);
  apply (engine, first);
  /* Names the user gave the guests (Data.LOAD.Elf ... /NAME); rows follow them in place. */
  hs_machine_set_name (hs_engine_get_machine (engine, 1), "linux1");

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 820);
  open_registers = g_simple_action_new ("open-registers", G_VARIANT_TYPE_UINT32);
  g_signal_connect (open_registers, "activate", G_CALLBACK (on_open_registers), &registers_of);
  g_action_map_add_action (G_ACTION_MAP (win_actions), G_ACTION (open_registers));
  gtk_widget_insert_action_group (window, "win", G_ACTION_GROUP (win_actions));
  widget = hs_guest_tree_new (engine);
  tree = HS_GUEST_TREE (widget);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (tree, "task-activated", G_CALLBACK (on_task), &activated_task);
  g_signal_connect (tree, "machine-activated", G_CALLBACK (on_machine), &activated_machine);
  g_signal_connect (tree, "vcpu-activated", G_CALLBACK (on_vcpu), &activated_vcpu);

  /* Collapsed: the machines only. */
  g_assert_cmpuint (hs_guest_tree_get_n_rows (tree), ==, 3);
  assert_row (tree, 0, "0 Hypervisor (Xen) present 2 pCPUs");
  assert_row (tree, 1, "1 linux1 present 2 vCPUs, domain 1, VMID 1, "
                       "VTTBR 0x0001000040000000");
  assert_row (tree, 2, "2 dom2 present 1 vCPU, domain 2, VMID 2, VTTBR 0x0002000048000000");
  hs_machine_set_name (hs_engine_get_machine (engine, 2), "linux2");
  assert_row (tree, 2, "2 linux2 present 1 vCPU");

  hs_guest_tree_expand_all (tree);
  spin (300);
  rows = dump (tree);
  g_test_message ("expanded:\n%s", rows);
  assert_row (tree, 0, "0 Hypervisor (Xen)");
  assert_row (tree, 1, "pCPU 0 halted EL2 in Xen, pc 0x00000000002a1000");
  assert_row (tree, 2, "pCPU 1 halted EL1 runs machine 1 (linux1) vCPU 0, "
                       "pc 0xffff800008123456");
  assert_row (tree, 3, "1 linux1 present 2 vCPUs");
  assert_row (tree, 4, "vCPUs 2");
  assert_row (tree, 5, "vCPU 0 running pCPU 1, on halted core 1, pc 0xffff800008123456 (live), "
                       "task app-worker");
  assert_row (tree, 6, "vCPU 1 blocked pCPU 0, pc 0xffff800008001234 (saved by Xen)");
  /* Processes: thread-group leaders with an mm, in the kernel's order; threads stay under
   * their process and kernel threads under their own group (not expanded by expand_all). */
  assert_row (tree, 7, "1 init S (sleeping) CPU 1");
  assert_row (tree, 8, "50 sh S (sleeping) CPU 0");
  assert_row (tree, 9, "60 app S (sleeping) CPU 0");
  assert_row (tree, 10, "Kernel threads 2");
  /* Its kernel modules, where their code and data lie. */
  assert_row (tree, 11, "Modules 2");
  assert_row (tree, 12, "dummy live code 0xffff80000105c000 (1000 bytes), "
                        "data 0xffff800001060000, no symbols");
  assert_row (tree, 13, "loop live code 0xffff800001070000");
  assert_row (tree, 14, "2 linux2 present 1 vCPU");
  assert_row (tree, 15, "vCPUs 1");
  assert_row (tree, 16, "vCPU 0 runnable pCPU 0, pc 0xffff800008005678 (saved by Xen)");
  assert_row (tree, 17, "1 init");
  assert_row (tree, 18, "70 getty S (sleeping) CPU 0, current on vCPU 0");
  assert_row (tree, 19, "Kernel threads 0");
  assert_row (tree, 20, "Modules 0");
  g_assert_cmpuint (hs_guest_tree_get_n_rows (tree), ==, 21);

  /* The keyboard opens a process (Right) and the kernel threads. */
  list = find_descendant (widget, GTK_TYPE_LIST_VIEW);
  g_assert_nonnull (list);
  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (find_descendant (widget,
                                                                          GTK_TYPE_COLUMN_VIEW)));
  app = find_row (tree, "60 app ");
  gtk_selection_model_select_item (selection, app, TRUE);
  g_assert_true (gtk_widget_activate_action (widget, "guest-tree.expand", NULL));
  assert_row (tree, app + 1, "61 app-worker R (running) CPU 1, current on vCPU 0 "
                             "(halted core 1)");
  assert_row (tree, app + 2, "62 app-io D (disk sleep) CPU 0");
  kernel = find_row (tree, "Kernel threads");
  g_assert_cmpuint (kernel, ==, app + 3);
  gtk_selection_model_select_item (selection, kernel, TRUE);
  g_assert_true (gtk_widget_activate_action (widget, "guest-tree.expand", NULL));
  assert_row (tree, kernel + 1, "2 kthreadd S (sleeping)");
  assert_row (tree, kernel + 2, "3 kworker/0:1 I (idle)");
  assert_row (tree, kernel + 3, "Modules 2");
  /* A process without threads has nothing to open. */
  sh = find_row (tree, "50 sh ");
  gtk_selection_model_select_item (selection, sh, TRUE);
  g_assert_true (gtk_widget_activate_action (widget, "guest-tree.expand", NULL));
  assert_row (tree, sh + 1, "60 app");
  n = hs_guest_tree_get_n_rows (tree);
  g_assert_cmpuint (n, ==, 25);
  spin (300);

  /* The next halt: process 50 runs now. Same rows, same row objects, the text changed in
   * place, on screen too; what was expanded stays expanded. */
  sh_row = g_list_model_get_item (G_LIST_MODEL (selection), sh);
  g_assert_cmpuint (count_inscriptions (widget, "R (running)"), ==, 1);
  apply (engine, second);
  g_assert_cmpuint (hs_guest_tree_get_n_rows (tree), ==, n);
  sh_row_after = g_list_model_get_item (G_LIST_MODEL (selection), sh);
  g_assert_true (sh_row_after == sh_row);
  assert_row (tree, sh, "50 sh R (running) CPU 0");
  assert_row (tree, app + 1, "61 app-worker R (running)");
  g_assert_cmpuint (count_inscriptions (widget, "R (running)"), ==, 2);

  /* Double-click or Enter: the list's activate-item. */
  g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", sh));
  g_assert_nonnull (activated_task);
  g_assert_cmpint (hs_task_get_pid (activated_task), ==, 50);
  g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", 3));
  g_assert_cmpuint (activated_machine, ==, 1);
  g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", 5));
  g_assert_nonnull (activated_vcpu);
  g_assert_cmpuint (hs_vcpu_get_machine (activated_vcpu), ==, 1);
  g_assert_cmpuint (hs_vcpu_get_id (activated_vcpu), ==, 0);
  /* A group opens and closes. */
  g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", kernel));
  assert_row (tree, kernel + 1, "Modules 2");
  g_assert_true (gtk_widget_activate_action (list, "list.activate-item", "u", kernel));
  assert_row (tree, kernel + 1, "2 kthreadd");

  /* The context menu: "Make current" on a task, "Open register window" on a machine. */
  gtk_selection_model_select_item (selection, app + 1, TRUE);
  g_assert_true (gtk_widget_activate_action (widget, "guest-tree.make-current", NULL));
  g_assert_cmpint (hs_task_get_pid (activated_task), ==, 61);
  popover = find_descendant (widget, GTK_TYPE_POPOVER_MENU);
  g_assert_nonnull (popover);
  {
    guint guest2 = find_row (tree, "2 linux2");
    GMenuModel *menu;
    g_autofree char *action = NULL;
    g_autoptr(GVariant) target = NULL;

    gtk_selection_model_select_item (selection, guest2, TRUE);
    g_assert_true (gtk_widget_activate_action (widget, "guest-tree.popup-menu", NULL));
    spin (200);
    g_assert_true (gtk_widget_get_visible (popover));
    menu = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover));
    g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 1);
    g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_ACTION, "s",
                                                    &action));
    g_assert_cmpstr (action, ==, "win.open-registers");
    target = g_menu_model_get_item_attribute_value (menu, 0, G_MENU_ATTRIBUTE_TARGET,
                                                    G_VARIANT_TYPE_UINT32);
    g_assert_nonnull (target);
    g_assert_cmpuint (g_variant_get_uint32 (target), ==, 2);
    /* The menu's items find the window's action from where the popover sits. */
    g_assert_true (gtk_widget_activate_action_variant (popover, action, target));
    g_assert_cmpuint (registers_of, ==, 2);
    gtk_popover_popdown (GTK_POPOVER (popover));
  }

  gtk_selection_model_select_item (selection, sh, TRUE);
  spin (300);
  png = g_test_build_filename (G_TEST_BUILT, "widgets", "guest-tree.png", NULL);
  g_assert_true (hs_widget_save_png (window, png, &error));
  g_assert_no_error (error);
  g_test_message ("saved %s", png);

  gtk_window_destroy (GTK_WINDOW (window));
  spin (50);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  hs_widgets_init ();

  g_test_add_func ("/Hs/Widgets/guest-tree", test_guest_tree);
  return g_test_run ();
}
