/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-builtins.c: the one table of the expression language's functions, how a
 * call is checked against its entry, and the functions that read the target:
 * its state, registers, memory, symbols and the guests' tasks. The string,
 * number-formatting and host functions are in hs-builtins-string.c.
 */
#define G_LOG_DOMAIN "hs-builtins"

#include "config.h"

#include "hs-builtins-private.h"

#include "hs-command.h"

#include <string.h>

static gboolean
unavailable (const HsBuiltinEnv  *env,
             const HsBuiltin     *self,
             GError             **error)
{
  g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED, "%s() cannot be used %s",
               self->name, env->where ? env->where : "here");
  return FALSE;
}

gboolean
hs_builtin_fail (const HsBuiltin  *self,
                 GError          **error,
                 const char       *fmt,
                 ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT, "%s(%s): %s",
               self->name, self->params, msg);
  return FALSE;
}

void
hs_builtin_take_string (HsValue *result,
                        char    *string)
{
  hs_value_clear (result);
  result->type = HS_VALUE_STRING;
  result->string = string;
}

static gboolean
builtin_boolean (const HsBuiltinEnv  *env,
                 gpointer             data,
                 const HsBuiltin     *self,
                 const HsValue       *args,
                 guint                n_args,
                 HsValue             *result,
                 GError             **error)
{
  hs_value_set_boolean (result, self->size != 0);
  return TRUE;
}

static gboolean
builtin_state (const HsBuiltinEnv  *env,
               gpointer             data,
               const HsBuiltin     *self,
               const HsValue       *args,
               guint                n_args,
               HsValue             *result,
               GError             **error)
{
  if (env->state == NULL)
    return unavailable (env, self, error);
  /* @size is the state the builtin asks about; ATTACHED is "anything but detached". */
  if (self->size == G_MAXUINT)
    hs_value_set_boolean (result, env->state (data) != HS_BUILTIN_STATE_DETACHED);
  else
    hs_value_set_boolean (result, env->state (data) == (HsBuiltinState) self->size);
  return TRUE;
}

static gboolean
builtin_core (const HsBuiltinEnv  *env,
              gpointer             data,
              const HsBuiltin     *self,
              const HsValue       *args,
              guint                n_args,
              HsValue             *result,
              GError             **error)
{
  guint core;

  if (env->core == NULL)
    return unavailable (env, self, error);
  if (!env->core (data, &core, error))
    return FALSE;
  hs_value_set_number (result, core);
  return TRUE;
}

static gboolean
builtin_register (const HsBuiltinEnv  *env,
                  gpointer             data,
                  const HsBuiltin     *self,
                  const HsValue       *args,
                  guint                n_args,
                  HsValue             *result,
                  GError             **error)
{
  guint64 v = 0;

  if (env->read_register == NULL)
    return unavailable (env, self, error);
  if (!env->read_register (data, args[0].string, &v, error))
    return FALSE;
  hs_value_set_number (result, v);
  return TRUE;
}

/* ---- memory ----------------------------------------------------------------------------- */

/* Where an address argument points: a number in the current machine and space, or any address
 * form the environment resolved. */
typedef struct
{
  gboolean resolved;
  HsAddress address;
} Where;

static gboolean
is_plain_name (const char *s)
{
  if (s == NULL || !(g_ascii_isalpha (*s) || *s == '_'))
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '_' && *s != '.' && *s != '$')
      return FALSE;
  return TRUE;
}

static gboolean
resolve_where (const HsBuiltinEnv  *env,
               gpointer             data,
               const HsBuiltin     *self,
               const HsValue       *arg,
               Where               *where,
               GError             **error)
{
  memset (where, 0, sizeof *where);
  if (arg->type != HS_VALUE_STRING)
    {
      where->address.offset = arg->number;
      return TRUE;
    }
  if (env->resolve_address != NULL && env->read_address != NULL)
    {
      where->resolved = TRUE;
      return env->resolve_address (data, arg->string, &where->address, error);
    }
  /* A bare symbol name reaches us as a string too: Data.Long(jiffies). */
  if (env->lookup_symbol != NULL && is_plain_name (arg->string))
    return env->lookup_symbol (data, arg->string, &where->address.offset, error);
  g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
               "%s(\"%s\"): an address form in a string cannot be used %s; give a number or "
               "a symbol name", self->name, arg->string, env->where ? env->where : "here");
  return FALSE;
}

static gboolean
read_where (const HsBuiltinEnv  *env,
            gpointer             data,
            const HsBuiltin     *self,
            const Where         *where,
            guint64              offset,
            void                *buf,
            gsize                len,
            GError             **error)
{
  gboolean ok;

  if (where->resolved)
    {
      HsAddress a = where->address;

      a.offset = offset;
      ok = env->read_address (data, &a, buf, len, error);
    }
  else
    ok = env->read_memory (data, offset, buf, len, error);
  if (!ok)
    g_prefix_error (error, "%s(): ", self->name);
  return ok;
}

static gboolean
builtin_data (const HsBuiltinEnv  *env,
              gpointer             data,
              const HsBuiltin     *self,
              const HsValue       *args,
              guint                n_args,
              HsValue             *result,
              GError             **error)
{
  guint64 v = 0;
  Where where;

  if (env->read_memory == NULL)
    return unavailable (env, self, error);
  if (!resolve_where (env, data, self, &args[0], &where, error)
      || !read_where (env, data, self, &where, where.address.offset, &v, self->size, error))
    return FALSE;
  hs_value_set_number (result, GUINT64_FROM_LE (v));
  return TRUE;
}

/* A NUL-terminated string, read in aligned pieces (a piece never crosses a page, and a reader
 * that caches pieces sees the same ones each time), at most HS_BUILTIN_STRING_MAX bytes. */
static gboolean
builtin_data_string (const HsBuiltinEnv  *env,
                     gpointer             data,
                     const HsBuiltin     *self,
                     const HsValue       *args,
                     guint                n_args,
                     HsValue             *result,
                     GError             **error)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint64 at;
  Where where;

  if (env->read_memory == NULL)
    return unavailable (env, self, error);
  if (!resolve_where (env, data, self, &args[0], &where, error))
    return FALSE;
  at = where.address.offset;
  while (s->len < HS_BUILTIN_STRING_MAX)
    {
      guint8 buf[HS_BUILTIN_STRING_CHUNK];
      gsize n = HS_BUILTIN_STRING_CHUNK - at % HS_BUILTIN_STRING_CHUNK;
      const guint8 *nul;

      n = MIN (n, HS_BUILTIN_STRING_MAX - s->len);
      if (!read_where (env, data, self, &where, at, buf, n, error))
        return FALSE;
      nul = memchr (buf, 0, n);
      if (nul != NULL)
        {
          g_string_append_len (s, (const char *) buf, nul - buf);
          break;
        }
      g_string_append_len (s, (const char *) buf, n);
      if (at + n < at)
        break;
      at += n;
    }
  hs_builtin_take_string (result, g_utf8_make_valid (s->str, s->len));
  return TRUE;
}

/* ---- symbols and machines --------------------------------------------------------------- */

static gboolean
builtin_symbol_exist (const HsBuiltinEnv  *env,
                      gpointer             data,
                      const HsBuiltin     *self,
                      const HsValue       *args,
                      guint                n_args,
                      HsValue             *result,
                      GError             **error)
{
  const char *name = args[0].string;
  const char *colon = strrchr (name, ':');
  guint64 v;
  gboolean found;

  /* "2:::init_task": the name in the machine (and space) it names; only names count, not
   * numbers that would resolve as addresses too. */
  if (colon != NULL)
    {
      HsAddress a;

      if (env->resolve_address == NULL)
        return hs_builtin_fail (self, error, "a machine prefix (\"%s\") cannot be used %s",
                                name, env->where ? env->where : "here");
      found = is_plain_name (colon + 1) && env->resolve_address (data, name, &a, NULL);
    }
  else if (env->lookup_symbol == NULL)
    return unavailable (env, self, error);
  else
    found = is_plain_name (name) && env->lookup_symbol (data, name, &v, NULL);
  hs_value_set_boolean (result, found);
  return TRUE;
}

static gboolean
get_machine (const HsBuiltinEnv  *env,
             gpointer             data,
             const HsBuiltin     *self,
             guint               *machine,
             GError             **error)
{
  if (env->machine == NULL)
    return unavailable (env, self, error);
  return env->machine (data, machine, error);
}

static gboolean
builtin_machine_id (const HsBuiltinEnv  *env,
                    gpointer             data,
                    const HsBuiltin     *self,
                    const HsValue       *args,
                    guint                n_args,
                    HsValue             *result,
                    GError             **error)
{
  guint machine;

  if (!get_machine (env, data, self, &machine, error))
    return FALSE;
  hs_value_set_number (result, machine);
  return TRUE;
}

/* ---- tasks ------------------------------------------------------------------------------ */

#define HANDLE(machine, position) (((guint64) (machine) << 32) | ((guint64) (position) + 1))

static gboolean
get_n_tasks (const HsBuiltinEnv  *env,
             gpointer             data,
             const HsBuiltin     *self,
             guint               *n,
             GError             **error)
{
  if (env->n_tasks == NULL || env->task == NULL)
    return unavailable (env, self, error);
  return env->n_tasks (data, n, error);
}

/* The machine argument at @index, else the current machine. */
static gboolean
machine_arg (const HsBuiltinEnv  *env,
             gpointer             data,
             const HsBuiltin     *self,
             const HsValue       *args,
             guint                n_args,
             guint                index,
             guint               *machine,
             GError             **error)
{
  if (index < n_args)
    {
      if (args[index].number > G_MAXUINT32)
        return hs_builtin_fail (self, error, "there is no machine 0x%" G_GINT64_MODIFIER "x",
                                args[index].number);
      *machine = (guint) args[index].number;
      return TRUE;
    }
  return get_machine (env, data, self, machine, error);
}

/* The task a handle stands for. */
static gboolean
handle_task (const HsBuiltinEnv  *env,
             gpointer             data,
             const HsBuiltin     *self,
             guint64              handle,
             guint               *position,
             HsBuiltinTask       *task,
             GError             **error)
{
  guint n;
  guint64 low = handle & G_MAXUINT32;

  if (!get_n_tasks (env, data, self, &n, error))
    return FALSE;
  if (low != 0 && low <= n)
    {
      env->task (data, (guint) (low - 1), task);
      if (task->machine == handle >> 32)
        {
          *position = (guint) (low - 1);
          return TRUE;
        }
    }
  return hs_builtin_fail (self, error, "0x%" G_GINT64_MODIFIER "x is not a task handle "
                          "(TASK.FIRST() and TASK.NEXT() give them; they last until the next "
                          "halt)", handle);
}

/* The first task of @machine at @from or after it, as a handle; 0 if there is none. */
static guint64
scan_tasks (const HsBuiltinEnv *env,
            gpointer            data,
            guint               n,
            guint               from,
            guint               machine)
{
  for (guint i = from; i < n; i++)
    {
      HsBuiltinTask t = { 0 };

      env->task (data, i, &t);
      if (t.machine == machine)
        return HANDLE (machine, i);
    }
  return 0;
}

static gboolean
builtin_task_first (const HsBuiltinEnv  *env,
                    gpointer             data,
                    const HsBuiltin     *self,
                    const HsValue       *args,
                    guint                n_args,
                    HsValue             *result,
                    GError             **error)
{
  guint n, machine;

  if (!get_n_tasks (env, data, self, &n, error)
      || !machine_arg (env, data, self, args, n_args, 0, &machine, error))
    return FALSE;
  hs_value_set_number (result, scan_tasks (env, data, n, 0, machine));
  return TRUE;
}

static gboolean
builtin_task_next (const HsBuiltinEnv  *env,
                   gpointer             data,
                   const HsBuiltin     *self,
                   const HsValue       *args,
                   guint                n_args,
                   HsValue             *result,
                   GError             **error)
{
  HsBuiltinTask t = { 0 };
  guint n, position;

  if (!handle_task (env, data, self, args[0].number, &position, &t, error)
      || !get_n_tasks (env, data, self, &n, error))
    return FALSE;
  hs_value_set_number (result, scan_tasks (env, data, n, position + 1, t.machine));
  return TRUE;
}

static gboolean
builtin_task_count (const HsBuiltinEnv  *env,
                    gpointer             data,
                    const HsBuiltin     *self,
                    const HsValue       *args,
                    guint                n_args,
                    HsValue             *result,
                    GError             **error)
{
  guint n, machine, count = 0;

  if (!get_n_tasks (env, data, self, &n, error)
      || !machine_arg (env, data, self, args, n_args, 0, &machine, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      HsBuiltinTask t = { 0 };

      env->task (data, i, &t);
      count += t.machine == machine;
    }
  hs_value_set_number (result, count);
  return TRUE;
}

/* TASK.NAME(h), TASK.PID(h), TASK.MACHINE(h): @size says which. */
enum { TASK_NAME, TASK_PID, TASK_MACHINE, TASK_MAGIC };

static void
set_task_field (HsValue             *result,
                const HsBuiltinTask *t,
                guint                field)
{
  switch (field)
    {
    case TASK_NAME: hs_value_set_string (result, t->name ? t->name : ""); break;
    case TASK_PID: hs_value_set_number (result, (guint64) (gint64) t->pid); break;
    case TASK_MACHINE: hs_value_set_number (result, t->machine); break;
    case TASK_MAGIC: hs_value_set_number (result, t->address); break;
    default: g_assert_not_reached ();
    }
}

static gboolean
builtin_task_field (const HsBuiltinEnv  *env,
                    gpointer             data,
                    const HsBuiltin     *self,
                    const HsValue       *args,
                    guint                n_args,
                    HsValue             *result,
                    GError             **error)
{
  HsBuiltinTask t = { 0 };
  guint position;

  if (!handle_task (env, data, self, args[0].number, &position, &t, error))
    return FALSE;
  set_task_field (result, &t, self->size);
  return TRUE;
}

/* TASK.ID(), TASK.MAGIC(): the current task's; TASK.ID("name"): the task of that name in the
 * current machine. */
static gboolean
builtin_task_current (const HsBuiltinEnv  *env,
                      gpointer             data,
                      const HsBuiltin     *self,
                      const HsValue       *args,
                      guint                n_args,
                      HsValue             *result,
                      GError             **error)
{
  HsBuiltinTask t = { 0 };
  guint n, position;

  if (!get_n_tasks (env, data, self, &n, error))
    return FALSE;
  if (n_args == 1)
    {
      guint machine;

      if (!get_machine (env, data, self, &machine, error))
        return FALSE;
      for (guint i = 0; i < n; i++)
        {
          env->task (data, i, &t);
          if (t.machine == machine && g_strcmp0 (t.name, args[0].string) == 0)
            {
              set_task_field (result, &t, self->size);
              return TRUE;
            }
        }
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED,
                   "%s(\"%s\"): machine %u has no task named %s (TASK.List shows them)",
                   self->name, args[0].string, machine, args[0].string);
      return FALSE;
    }
  if (env->current_task == NULL)
    return unavailable (env, self, error);
  if (!env->current_task (data, &position, error))
    {
      g_prefix_error (error, "%s(): ", self->name);
      return FALSE;
    }
  env->task (data, position, &t);
  set_task_field (result, &t, self->size);
  return TRUE;
}

/* ---- the table -------------------------------------------------------------------------- */

/* Var.VALUE(expression) and the others: the C expression, as written. */
static gboolean
builtin_var (const HsBuiltinEnv  *env,
             gpointer             data,
             const HsBuiltin     *self,
             const HsValue       *args,
             guint                n_args,
             HsValue             *result,
             GError             **error)
{
  if (env->var == NULL)
    return unavailable (env, self, error);
  return env->var (data, (HsBuiltinVar) self->size, args[0].string, result, error);
}

#define N ARG_NUMBER
#define S ARG_STRING
#define A ARG_ANY
#define T ARG_TEXT

static const HsBuiltin builtins[] = {
  { "TRUE", "", 0, 0, { 0 }, 1, builtin_boolean },
  { "FALSE", "", 0, 0, { 0 }, 0, builtin_boolean },
  { "STATE.RUN", "", 0, 0, { 0 }, HS_BUILTIN_STATE_RUNNING, builtin_state },
  { "STATE.HALT", "", 0, 0, { 0 }, HS_BUILTIN_STATE_HALTED, builtin_state },
  { "STATE.ATTACHED", "", 0, 0, { 0 }, G_MAXUINT, builtin_state },
  { "CORE", "", 0, 0, { 0 }, 0, builtin_core },
  { "Register", "name", 1, 1, { S }, 0, builtin_register },
  { "Data.Byte", "address", 1, 1, { A }, 1, builtin_data },
  { "Data.Word", "address", 1, 1, { A }, 2, builtin_data },
  { "Data.Long", "address", 1, 1, { A }, 4, builtin_data },
  { "Data.Quad", "address", 1, 1, { A }, 8, builtin_data },
  { "Data.String", "address", 1, 1, { A }, 0, builtin_data_string },
  { "sYmbol.EXIST", "name", 1, 1, { S }, 0, builtin_symbol_exist },
  { "MACHINE.ID", "", 0, 0, { 0 }, 0, builtin_machine_id },
  { "TASK.ID", "[name]", 0, 1, { S }, TASK_PID, builtin_task_current },
  { "TASK.MAGIC", "", 0, 0, { 0 }, TASK_MAGIC, builtin_task_current },
  { "TASK.FIRST", "[machine]", 0, 1, { N }, 0, builtin_task_first },
  { "TASK.NEXT", "handle", 1, 1, { N }, 0, builtin_task_next },
  { "TASK.NAME", "handle", 1, 1, { N }, TASK_NAME, builtin_task_field },
  { "TASK.PID", "handle", 1, 1, { N }, TASK_PID, builtin_task_field },
  { "TASK.MACHINE", "handle", 1, 1, { N }, TASK_MACHINE, builtin_task_field },
  { "TASK.COUNT", "[machine]", 0, 1, { N }, 0, builtin_task_count },
  { "STRing.LENgth", "s", 1, 1, { S }, 0, hs_builtin_string_length },
  { "STRing.MID", "s, start, length", 3, 3, { S, N, N }, 0, hs_builtin_string_mid },
  { "STRing.SCAN", "s, find, start", 3, 3, { S, S, N }, 0, hs_builtin_string_scan },
  { "STRing.UPpeR", "s", 1, 1, { S }, 1, hs_builtin_string_case },
  { "STRing.LOWeR", "s", 1, 1, { S }, 0, hs_builtin_string_case },
  { "STRing.TRIM", "s", 1, 1, { S }, 0, hs_builtin_string_trim },
  { "STRing.Replace", "s, find, replacement, count", 4, 4, { S, S, S, N }, 0,
    hs_builtin_string_replace },
  { "STRing.ComPare", "s, pattern", 2, 2, { S, S }, 0, hs_builtin_string_compare },
  { "STRing.CHAR", "s, index", 2, 2, { S, N }, 0, hs_builtin_string_char },
  { "STRing.SPLIT", "s, separator, index", 3, 3, { S, S, N }, 0, hs_builtin_string_split },
  { "FORMAT.Decimal", "width, n", 2, 2, { N, N }, 10, hs_builtin_format_number },
  { "FORMAT.HEX", "width, n", 2, 2, { N, N }, 16, hs_builtin_format_number },
  { "FORMAT.BINary", "width, n", 2, 2, { N, N }, 2, hs_builtin_format_number },
  { "CONVert.HEXTOINT", "s", 1, 1, { S }, 0, hs_builtin_convert_hextoint },
  { "CONVert.CHAR", "n", 1, 1, { N }, 0, hs_builtin_convert_char },
  { "OS.FILE", "path", 1, 1, { S }, 0, hs_builtin_os_file },
  { "OS.PWD", "", 0, 0, { 0 }, 0, hs_builtin_os_pwd },
  { "OS.ENV", "name", 1, 1, { S }, 0, hs_builtin_os_env },
  { "Var.VALUE", "C expression", 1, 1, { T }, HS_BUILTIN_VAR_VALUE, builtin_var },
  { "Var.ADDRESS", "C expression", 1, 1, { T }, HS_BUILTIN_VAR_ADDRESS, builtin_var },
  { "Var.SIZEOF", "C expression", 1, 1, { T }, HS_BUILTIN_VAR_SIZEOF, builtin_var },
  { "Var.STRing", "C expression", 1, 1, { T }, HS_BUILTIN_VAR_STRING, builtin_var },
  { "Var.EXIST", "C expression", 1, 1, { T }, HS_BUILTIN_VAR_EXIST, builtin_var },
};

#undef N
#undef S
#undef A
#undef T

char *
hs_builtins_describe (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    g_string_append_printf (s, "%s%s(%s)", i ? ", " : "", builtins[i].name, builtins[i].params);
  return g_string_free (s, FALSE);
}

static gboolean
check_arguments (const HsBuiltin  *f,
                 const HsValue    *args,
                 guint             n_args,
                 GError          **error)
{
  if (n_args < f->min_args || n_args > f->max_args)
    {
      g_autofree char *count = NULL;

      if (f->max_args == 0)
        count = g_strdup ("no arguments");
      else if (f->min_args == 1 && f->max_args == 1)
        count = g_strdup_printf ("one %s", f->params);
      else if (f->min_args == f->max_args)
        count = g_strdup_printf ("%u arguments", f->min_args);
      else
        count = g_strdup_printf ("%u to %u arguments", f->min_args, f->max_args);
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                   "%s() takes %s, not %u; usage: %s(%s)", f->name, count, n_args, f->name,
                   f->params);
      return FALSE;
    }
  for (guint i = 0; i < n_args; i++)
    {
      guint have = args[i].type == HS_VALUE_STRING ? ARG_STRING : ARG_NUMBER;

      if ((f->types[i] & have) == 0)
        {
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                       "%s(): argument %u must be %s; usage: %s(%s)", f->name, i + 1,
                       f->types[i] == ARG_STRING ? "a string, e.g. \"text\""
                                                 : "a number (a bare word is a string here)",
                       f->name, f->params);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
call_builtin (const char     *name,
              const HsValue  *args,
              guint           n_args,
              HsValue        *result,
              gpointer        user_data,
              GError        **error)
{
  HsBuiltinBinding *b = user_data;
  g_autofree char *known = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    {
      const HsBuiltin *f = &builtins[i];

      if (!hs_command_name_matches (f->name, name))
        continue;
      if (!check_arguments (f, args, n_args, error))
        return FALSE;
      if (f->func (b->env, b->data, f, args, n_args, result, error))
        return TRUE;
      /* Messages quote string arguments and what the environment made of them: they may hold
       * bytes from memory or a script that are not UTF-8, and a window drops such text. */
      if (error != NULL && *error != NULL && !g_utf8_validate ((*error)->message, -1, NULL))
        {
          char *valid = g_utf8_make_valid ((*error)->message, -1);

          g_free ((*error)->message);
          (*error)->message = valid;
        }
      return FALSE;
    }
  known = hs_builtins_describe ();
  g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
               "unknown function %s() (known: %s)", name, known);
  return FALSE;
}

static gboolean
lookup_name (const char  *name,
             HsValue     *result,
             gpointer     user_data,
             GError     **error)
{
  HsBuiltinBinding *b = user_data;
  guint64 v;

  if (b->env->lookup_symbol == NULL)
    {
      g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED, "unknown name '%s'", name);
      return FALSE;
    }
  if (!b->env->lookup_symbol (b->data, name, &v, error))
    return FALSE;
  hs_value_set_number (result, v);
  return TRUE;
}

static gboolean
takes_text (const char *name,
            gpointer    user_data)
{
  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    if (hs_command_name_matches (builtins[i].name, name))
      return builtins[i].types[0] == ARG_TEXT;
  return FALSE;
}

HsExprContext
hs_builtins_context (HsBuiltinBinding *binding)
{
  HsExprContext ctx = { call_builtin, lookup_name, binding, takes_text };

  return ctx;
}

gboolean
hs_builtins_evaluate (const HsBuiltinEnv  *env,
                      gpointer             data,
                      const char          *text,
                      HsValue             *result,
                      GError             **error)
{
  HsBuiltinBinding binding = { env, data };
  HsExprContext ctx = hs_builtins_context (&binding);

  return hs_expr_evaluate (text, &ctx, result, error);
}
