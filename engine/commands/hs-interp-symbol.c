/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-symbol.c: symbols and source: Data.LOAD.Elf, sYmbol.List,
 * sYmbol.INFO and sYmbol.SourcePATH.
 */
#define G_LOG_DOMAIN "hs-interp"

#include "config.h"

#include "hs-command.h"
#include "hs-interp-private.h"
#include "hs-sync.h"

#include <string.h>

#define LIST_MAX_SYMBOLS 200u

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autoptr(HsSymbolFile) file = hs_engine_load_symbols_finish (HS_ENGINE (object), result,
                                                                &error);
  g_autofree char *text = NULL;

  if (file == NULL)
    {
      g_prefix_error (&error, "Data.LOAD.Elf: ");
      hs_call_return (call, error);
      return;
    }
  text = hs_symbol_file_describe (file);
  g_string_append_printf (call->out, "%s\n", text);
  hs_call_return (call, NULL);
}

static void
cmd_data_load_elf (Call *call)
{
  g_autofree char *path = hs_call_path (call, 0);
  const char *name = hs_call_option (call, "Name");
  g_auto(HsAddressSpec) spec = { 0 };
  guint64 offset = 0;
  guint machine = hs_engine_get_current_machine (hs_call_engine (call));
  guint64 space = 0;
  GError *error = NULL;

  /* The first thing to know about a mistyped path. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      hs_call_fail (call, "Data.LOAD.Elf: no such file: %s", path);
      return;
    }
  /* Loading code would overwrite what the target runs; here the image is already there. */
  if (hs_call_option (call, "NoCODE") == NULL)
    {
      hs_call_fail (call, "Data.LOAD.Elf: writing code into the target is not supported; "
                    "add /NoCODE to load the symbols and debug information only");
      return;
    }
  if (call->args->len > 1)
    {
      HsExprScope scope = hs_call_scope (call);
      HsExprContext ctx;

      if (!hs_address_spec_parse (hs_call_arg (call, 1), &spec, &error))
        {
          g_prefix_error (&error, "Data.LOAD.Elf: ");
          hs_call_return (call, error);
          return;
        }
      if (spec.access != HS_ACCESS_VIRTUAL)
        {
          hs_call_fail (call, "Data.LOAD.Elf: the load offset is a virtual address, "
                        "without A: or I:");
          return;
        }
      if (spec.has_machine)
        machine = spec.machine;
      if (spec.has_space)
        space = spec.space;
      /* "2:::init_task": the offset's names are the machine's it names. */
      scope.machine = machine;
      scope.space = space;
      ctx = hs_interp_expr_context (&scope);
      if (!hs_expr_evaluate_number (spec.expression, &ctx, &offset, &error))
        {
          g_prefix_error (&error, "Data.LOAD.Elf: offset: ");
          hs_call_return (call, error);
          return;
        }
    }
  hs_engine_load_symbols_async (hs_call_engine (call), path, machine, space, offset, name, NULL,
                                load_done, call);
}

static gboolean
split_machine (Call        *call,
               const char  *text,
               guint       *machine,
               const char **rest)
{
  const char *sep = strstr (text, ":::");
  GError *error = NULL;

  *machine = hs_engine_get_current_machine (hs_call_engine (call));
  *rest = text;
  if (sep != NULL)
    {
      g_autofree char *id = g_strndup (text, sep - text);
      guint64 v;

      if (!hs_call_eval_number (call, id, "machine", &v))
        return FALSE;
      *machine = (guint) v;
      *rest = sep + 3;
    }
  if (!hs_engine_check_machine (hs_call_engine (call), *machine, &error))
    {
      hs_call_return (call, error);
      return FALSE;
    }
  return TRUE;
}

static const char *
kind_name (HsSymbolKind kind)
{
  switch (kind)
    {
    case HS_SYMBOL_FUNCTION: return "function";
    case HS_SYMBOL_OBJECT: return "object";
    case HS_SYMBOL_OTHER:
    default: return "label";
    }
}

static void
cmd_symbol_list (Call *call)
{
  const char *pattern = "*";
  g_autoptr(GPtrArray) bindings = NULL;
  guint machine;
  guint shown = 0, total = 0;

  if (call->args->len > 0 && !split_machine (call, hs_call_arg (call, 0), &machine,
                                             &pattern))
    return;
  if (call->args->len == 0)
    machine = hs_engine_get_current_machine (hs_call_engine (call));
  bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (hs_call_engine (call)),
                                           machine);
  if (bindings->len == 0)
    {
      hs_call_fail (call, "sYmbol.List: machine %u has no symbols (Data.LOAD.Elf FILE %u:::0 "
                    "/NoCODE)", machine, machine);
      return;
    }
  for (guint i = 0; i < bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);
      guint n = 0;
      g_autoptr(GArray) found = hs_symbol_file_match (b->file, pattern,
                                                      LIST_MAX_SYMBOLS - shown, &n);

      total += n;
      for (guint k = 0; found && k < found->len; k++)
        {
          const HsSymbol *sym = &g_array_index (found, HsSymbol, k);

          g_string_append_printf (call->out, "%u:::0x%016" G_GINT64_MODIFIER "x  %8"
                                  G_GUINT64_FORMAT "  %-8s  %s\n", machine,
                                  sym->address + b->offset, sym->size, kind_name (sym->kind),
                                  sym->name);
          shown++;
        }
    }
  if (total > shown)
    g_string_append_printf (call->out, "... %u more; narrow the pattern\n", total - shown);
  else if (total == 0)
    g_string_append_printf (call->out, "no symbol matches '%s' in machine %u\n", pattern, machine);
  hs_call_return (call, NULL);
}

typedef struct
{
  GPtrArray *bindings;
  char *name;
  guint machine;
} InfoRequest;

static void
info_request_free (InfoRequest *req)
{
  g_clear_pointer (&req->bindings, g_ptr_array_unref);
  g_free (req->name);
  g_free (req);
}

/* DWARF may need indexing first: never on the main thread. */
static void
info_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  InfoRequest *req = data;
  GString *out = g_string_new (NULL);
  gboolean any = FALSE;

  for (guint i = 0; i < req->bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (req->bindings, i);
      g_auto(HsSymbolInfo) info = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *line_file = NULL;
      guint line = 0;

      if (!hs_symbol_file_get_variable (b->file, req->name, &info, &error))
        {
          g_clear_error (&error);
          if (!hs_symbol_file_get_function (b->file, req->name, &info, &error))
            continue;
        }
      any = TRUE;
      g_string_append_printf (out, "%s  (%s, in %s)\n", info.name, kind_name (info.kind),
                              hs_symbol_file_get_path (b->file));
      if (info.type_name)
        g_string_append_printf (out, "  type     %s\n", info.type_name);
      if (info.has_address)
        g_string_append_printf (out, "  address  %u:::0x%016" G_GINT64_MODIFIER "x\n",
                                req->machine, info.address + b->offset);
      g_string_append_printf (out, "  size     %" G_GUINT64_FORMAT " bytes\n", info.size);
      if (info.decl_file)
        g_string_append_printf (out, "  declared %s:%u\n", info.decl_file, info.decl_line);
      if (info.kind == HS_SYMBOL_FUNCTION && info.has_address
          && hs_symbol_file_address_to_line (b->file, info.address, &line_file, &line, NULL))
        g_string_append_printf (out, "  code at  %s:%u\n", line_file, line);
    }
  if (!any)
    {
      g_string_free (out, TRUE);
      hs_task_return_new_error (task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                                "sYmbol.INFO: no variable or function '%s' in machine %u",
                                req->name, req->machine);
      return;
    }
  hs_task_return_pointer (task, g_string_free (out, FALSE), g_free);
}

static void
info_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;
  g_autofree char *text = hs_task_propagate_pointer (G_TASK (result), &error);

  if (text == NULL)
    {
      hs_call_return (call, error);
      return;
    }
  g_string_append (call->out, text);
  hs_call_return (call, NULL);
}

static void
cmd_symbol_info (Call *call)
{
  g_autoptr(GTask) task = NULL;
  InfoRequest *req;
  const char *name;
  guint machine;

  if (!split_machine (call, hs_call_arg (call, 0), &machine, &name))
    return;
  req = g_new0 (InfoRequest, 1);
  req->bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (hs_call_engine (call)),
                                                machine);
  req->name = g_strdup (name);
  req->machine = machine;
  if (req->bindings->len == 0)
    {
      info_request_free (req);
      hs_call_fail (call, "sYmbol.INFO: machine %u has no symbols", machine);
      return;
    }
  task = g_task_new (NULL, NULL, info_done, call);
  g_task_set_task_data (task, req, (GDestroyNotify) info_request_free);
  hs_task_run_in_thread (task, info_thread);
}

static void
cmd_source_path_translate (Call *call)
{
  g_autofree char *from = hs_command_unquote (hs_call_arg (call, 0));
  g_autofree char *to = hs_command_unquote (hs_call_arg (call, 1));

  if (*from == 0 || *to == 0)
    {
      hs_call_fail (call, "sYmbol.SourcePATH.Translate: both paths must be given");
      return;
    }
  hs_source_path_map_add (hs_engine_get_source_path_map (hs_call_engine (call)), from, to);
  g_string_append_printf (call->out, "source files under %s are read from %s\n", from, to);
  hs_call_return (call, NULL);
}

static void
cmd_source_path_list (Call *call)
{
  g_auto(GStrv) entries = hs_source_path_map_to_strv (
    hs_engine_get_source_path_map (hs_call_engine (call)));

  if (entries[0] == NULL)
    g_string_append (call->out, "no source path translations\n");
  for (guint i = 0; entries[i]; i++)
    g_string_append_printf (call->out, "%s\n", entries[i]);
  hs_call_return (call, NULL);
}

static void
cmd_source_path_reset (Call *call)
{
  hs_source_path_map_clear (hs_engine_get_source_path_map (hs_call_engine (call)));
  hs_call_return (call, NULL);
}

static const OptionSpec load_options[] = { { "NoCODE", FALSE }, { "Name", TRUE, TRUE }, { NULL } };

const CommandSpec hs_symbol_commands[] = {
  { "Data.LOAD.Elf", "Data.LOAD.Elf file [machine:::space::]offset [/NoCODE] [/Name name]",
    "bind an ELF file's symbols and debug info to a machine", 1, 2, load_options,
    cmd_data_load_elf, TRUE },
  { "sYmbol.List", "sYmbol.List [[machine:::]pattern]", "list symbols (* and ? match)", 0, 1,
    NULL, cmd_symbol_list },
  { "sYmbol.INFO", "sYmbol.INFO [machine:::]name",
    "a symbol's type, address, size and source line", 1, 1, NULL, cmd_symbol_info },
  { "sYmbol.SourcePATH.Translate", "sYmbol.SourcePATH.Translate \"from\" \"to\"",
    "read source files under one directory from another (built elsewhere, unpacked here)", 2, 2,
    NULL, cmd_source_path_translate },
  { "sYmbol.SourcePATH.List", "sYmbol.SourcePATH.List", "the source path translations", 0, 0,
    NULL, cmd_source_path_list },
  { "sYmbol.SourcePATH.RESet", "sYmbol.SourcePATH.RESet", "forget every source path translation",
    0, 0, NULL, cmd_source_path_reset },
  { NULL }
};
