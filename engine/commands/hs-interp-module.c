/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-module.c: guests' kernel modules and their symbols: TASK.MODule,
 * TASK.sYmbol.LOADMod / DELeteMod, sYmbol.AutoLOAD.*, and sYmbol.RELOCate
 * (a kernel's KASLR slide, when the engine cannot find it).
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-interp-private.h"

#include <string.h>

static void
append_module (Call     *call,
               HsModule *mod)
{
  const HsLinuxModule *rec = hs_module_get_record (mod);
  const char *symbols = hs_module_get_symbols (mod);
  const char *note = hs_module_get_symbols_note (mod);
  g_autofree char *base = symbols ? g_path_get_basename (symbols) : NULL;

  g_string_append_printf (call->out, "  %-18s %-8s 0x%016" G_GINT64_MODIFIER "x %8"
                          G_GINT64_MODIFIER "x  0x%016" G_GINT64_MODIFIER "x %8"
                          G_GINT64_MODIFIER "x  %s\n",
                          rec->name, hs_module_get_state (mod), rec->text, rec->text_size,
                          rec->data, rec->data_size,
                          base ? base : note ? note : "-");
  if (rec->init != 0 && rec->init_size != 0)
    g_string_append_printf (call->out, "  %-18s %-8s 0x%016" G_GINT64_MODIFIER "x %8"
                            G_GINT64_MODIFIER "x  (init, freed once it has initialised)\n", "",
                            "", rec->init, rec->init_size);
  if (rec->corrupt)
    g_string_append_printf (call->out, "  %-18s CORRUPT: %s\n", "", rec->corrupt_reason);
  else if (rec->sections_note != NULL)
    g_string_append_printf (call->out, "  %-18s sections: %s\n", "", rec->sections_note);
}

/* TASK.MODule: each guest's modules as lsmod would list them, with where they lie. */
static void
cmd_task_module (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  GListModel *machines = hs_engine_get_machines (engine);
  const char *notes = hs_engine_get_module_notes (engine);
  guint machine, shown = 0;
  gboolean only_one;

  if (!hs_call_get_machine_option (call, &machine, &only_one))
    return;
  for (guint i = 0; i < g_list_model_get_n_items (machines); i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (machines, i);
      GListModel *modules = hs_machine_get_modules (m);
      guint n = g_list_model_get_n_items (modules);

      if (hs_machine_get_kind (m) != HS_MACHINE_GUEST
          || (only_one && hs_machine_get_id (m) != machine))
        continue;
      shown++;
      g_string_append_printf (call->out, "machine %u (%s): %u module%s\n",
                              hs_machine_get_id (m), hs_machine_get_name (m), n,
                              n == 1 ? "" : "s");
      if (n == 0)
        continue;
      /* A module lives in the kernel's address space: its space is the kernel's, 0. */
      g_string_append (call->out, "  name               state    code                   size  "
                                  "data                   size  symbols\n");
      for (guint k = 0; k < n; k++)
        {
          g_autoptr(HsModule) mod = g_list_model_get_item (modules, k);

          append_module (call, mod);
        }
    }
  if (only_one && hs_machine_get_kind (hs_engine_get_machine (engine, machine))
                  != HS_MACHINE_GUEST)
    g_string_append_printf (call->out, "machine %u is the hypervisor: it has no Linux modules\n",
                            machine);
  else if (shown == 0)
    g_string_append (call->out, "(no guests: modules are read at a halt, for guests whose "
                                "vmlinux is loaded)\n");
  if (notes != NULL)
    g_string_append (call->out, notes);
  hs_call_return (call, NULL);
}

static void
loadmod_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autoptr(HsSymbolFile) file = hs_engine_load_module_symbols_finish (HS_ENGINE (object),
                                                                       result, &error);
  g_autofree char *text = NULL;

  if (file == NULL)
    {
      g_prefix_error (&error, "TASK.sYmbol.LOADMod: ");
      hs_call_return (call, error);
      return;
    }
  text = hs_symbol_file_describe (file);
  g_string_append_printf (call->out, "%s\n", text);
  hs_call_return (call, NULL);
}

/* TASK.sYmbol.LOADMod name [file]: the module's symbols now, from its file or the search path. */
static void
cmd_task_symbol_loadmod (Call *call)
{
  g_autofree char *path = call->args->len > 1 ? hs_call_path (call, 1) : NULL;
  guint machine;
  gboolean given;

  if (!hs_call_require_state (call, HS_ENGINE_STATE_HALTED)
      || !hs_call_get_machine_option (call, &machine, &given))
    return;
  if (path != NULL && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      hs_call_fail (call, "TASK.sYmbol.LOADMod: no such file: %s", path);
      return;
    }
  hs_engine_load_module_symbols_async (hs_call_engine (call), machine, hs_call_arg (call, 0),
                                       path, NULL, loadmod_done, call);
}

static void
cmd_task_symbol_deletemod (Call *call)
{
  guint machine;
  gboolean given;

  if (!hs_call_get_machine_option (call, &machine, &given))
    return;
  if (!hs_engine_unload_module_symbols (hs_call_engine (call), machine, hs_call_arg (call, 0)))
    {
      hs_call_fail (call, "TASK.sYmbol.DELeteMod: machine %u has no symbols of module '%s'",
                    machine, hs_call_arg (call, 0));
      return;
    }
  g_string_append_printf (call->out, "machine %u: module %s's symbols removed\n", machine,
                          hs_call_arg (call, 0));
  hs_call_return (call, NULL);
}

static void
cmd_autoload_path (Call *call)
{
  g_autofree char *dir = hs_call_path (call, 0);
  guint machine = 0;
  gboolean given = FALSE;

  if (hs_call_option (call, "MACHINE") != NULL
      && !hs_call_get_machine_option (call, &machine, &given))
    return;
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      hs_call_fail (call, "sYmbol.AutoLOAD.PATH: no such directory: %s", dir);
      return;
    }
  hs_engine_add_module_path (hs_call_engine (call), given ? (gint) machine : -1, dir);
  g_string_append_printf (call->out, "module debug files are looked for under %s%s\n", dir,
                          given ? " for that machine" : "");
  hs_call_return (call, NULL);
}

static void
cmd_autoload_list (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  g_auto(GStrv) paths = hs_engine_get_module_paths (engine);
  GListModel *machines = hs_engine_get_machines (engine);

  g_string_append_printf (call->out, "autoload %s; search path:%s\n",
                          hs_engine_get_module_autoload (engine) ? "on" : "off",
                          paths[0] ? "" : " (none: sYmbol.AutoLOAD.PATH DIR sets one)");
  for (guint i = 0; paths[i]; i++)
    g_string_append_printf (call->out, "  %s\n", paths[i]);
  for (guint i = 0; i < g_list_model_get_n_items (machines); i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (machines, i);
      GListModel *modules = hs_machine_get_modules (m);

      for (guint k = 0; k < g_list_model_get_n_items (modules); k++)
        {
          g_autoptr(HsModule) mod = g_list_model_get_item (modules, k);
          const char *symbols = hs_module_get_symbols (mod);
          const char *note = hs_module_get_symbols_note (mod);

          g_string_append_printf (call->out, "  %u:::%-18s %s\n", hs_machine_get_id (m),
                                  hs_module_get_name (mod),
                                  symbols ? symbols : note ? note : "not looked for yet");
        }
    }
  hs_call_return (call, NULL);
}

static void
cmd_autoload_check (Call *call)
{
  hs_engine_check_modules (hs_call_engine (call));
  hs_call_return (call, NULL);
}

static void
cmd_autoload_on (Call *call)
{
  hs_engine_set_module_autoload (hs_call_engine (call), TRUE);
  hs_call_return (call, NULL);
}

static void
cmd_autoload_off (Call *call)
{
  hs_engine_set_module_autoload (hs_call_engine (call), FALSE);
  hs_call_return (call, NULL);
}

/* sYmbol.RELOCate [offset|AUTO]: a guest kernel's KASLR slide, shown or set. */
static void
cmd_symbol_relocate (Call *call)
{
  HsEngine *engine = hs_call_engine (call);
  const char *what = hs_call_arg (call, 0);
  g_autoptr(GPtrArray) bindings = NULL;
  GError *error = NULL;
  guint machine;
  gboolean given;
  guint64 offset = 0;

  if (!hs_call_get_machine_option (call, &machine, &given))
    return;
  if (what != NULL)
    {
      gboolean automatic = g_ascii_strcasecmp (what, "AUTO") == 0;

      if (!automatic && !hs_call_eval_number (call, what, "offset", &offset))
        return;
      if (!hs_engine_relocate_kernel (engine, machine, offset, automatic, &error))
        {
          g_prefix_error (&error, "sYmbol.RELOCate: ");
          hs_call_return (call, error);
          return;
        }
    }
  bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (engine), machine);
  for (guint i = 0; i < bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);
      g_autofree char *base = NULL;

      if (!hs_symbol_binding_is_kernel (b))
        continue;
      base = g_path_get_basename (hs_symbol_file_get_path (b->file));
      g_string_append_printf (call->out, "machine %u: %s slid by 0x%" G_GINT64_MODIFIER "x (%s)\n",
                              machine, base, b->offset,
                              b->user_offset ? "set by the user"
                              : b->auto_offset ? "found from the guest"
                              : what != NULL ? "found at the next read of the guests"
                              : "its link addresses");
      hs_call_return (call, NULL);
      return;
    }
  hs_call_fail (call, "sYmbol.RELOCate: machine %u has no kernel symbols", machine);
}

static const OptionSpec machine_option[] = { { "MACHINE", TRUE }, { NULL } };

const CommandSpec hs_module_commands[] = {
  { "TASK.MODule", "TASK.MODule [/MACHINE n]",
    "each guest's kernel modules: where their code and data lie, and their symbols", 0, 0,
    machine_option, cmd_task_module, .needs_tasks = TRUE },
  { "TASK.sYmbol.LOADMod", "TASK.sYmbol.LOADMod name [file] [/MACHINE n]",
    "bind a module's debug file where the guest placed its sections", 1, 2, machine_option,
    cmd_task_symbol_loadmod, .needs_tasks = TRUE },
  { "TASK.sYmbol.DELeteMod", "TASK.sYmbol.DELeteMod name [/MACHINE n]",
    "drop a module's symbols", 1, 1, machine_option, cmd_task_symbol_deletemod },
  { "sYmbol.AutoLOAD.PATH", "sYmbol.AutoLOAD.PATH dir [/MACHINE n]",
    "look for modules' debug files (NAME.ko) under a directory", 1, 1, machine_option,
    cmd_autoload_path, TRUE },
  { "sYmbol.AutoLOAD.List", "sYmbol.AutoLOAD.List",
    "the module search path, and each module's debug file", 0, 0, NULL, cmd_autoload_list,
    .needs_tasks = TRUE },
  { "sYmbol.AutoLOAD.CHECK", "sYmbol.AutoLOAD.CHECK",
    "look again for the debug files of modules that have none", 0, 0, NULL,
    cmd_autoload_check },
  { "sYmbol.AutoLOAD.ON", "sYmbol.AutoLOAD.ON", "bind modules' debug files as they appear", 0, 0,
    NULL, cmd_autoload_on },
  { "sYmbol.AutoLOAD.OFF", "sYmbol.AutoLOAD.OFF", "leave modules without symbols until "
    "TASK.sYmbol.LOADMod", 0, 0, NULL, cmd_autoload_off },
  { "sYmbol.RELOCate", "sYmbol.RELOCate [offset|AUTO] [/MACHINE n]",
    "a guest kernel's KASLR slide: show it, set it, or let the engine find it again", 0, 1,
    machine_option, cmd_symbol_relocate },
  { NULL }
};
