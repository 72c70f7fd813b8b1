/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-builtins"

#include "config.h"

#include "hs-builtins.h"

#include "hs-command.h"

#include <string.h>

typedef gboolean (*BuiltinFunc) (const HsBuiltinEnv  *env,
                                 gpointer             data,
                                 const char          *name,
                                 guint                size,
                                 const HsValue       *args,
                                 HsValue             *result,
                                 GError             **error);

typedef struct
{
  const char *name;             /* TRACE32 spelling: capitals are the short form */
  guint n_args;
  HsValueType arg_type;         /* of the one argument, when there is one */
  guint size;                   /* Data.*(): bytes read */
  BuiltinFunc func;
} Builtin;

static gboolean
unavailable (const HsBuiltinEnv  *env,
             const char          *name,
             GError             **error)
{
  g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_FAILED, "%s() cannot be used %s",
               name, env->where ? env->where : "here");
  return FALSE;
}

static gboolean
builtin_boolean (const HsBuiltinEnv  *env,
                 gpointer             data,
                 const char          *name,
                 guint                size,
                 const HsValue       *args,
                 HsValue             *result,
                 GError             **error)
{
  hs_value_set_boolean (result, size != 0);
  return TRUE;
}

static gboolean
builtin_state (const HsBuiltinEnv  *env,
               gpointer             data,
               const char          *name,
               guint                size,
               const HsValue       *args,
               HsValue             *result,
               GError             **error)
{
  if (env->state == NULL)
    return unavailable (env, name, error);
  /* @size is the state the builtin asks about; ATTACHED is "anything but detached". */
  if (size == G_MAXUINT)
    hs_value_set_boolean (result, env->state (data) != HS_BUILTIN_STATE_DETACHED);
  else
    hs_value_set_boolean (result, env->state (data) == (HsBuiltinState) size);
  return TRUE;
}

static gboolean
builtin_core (const HsBuiltinEnv  *env,
              gpointer             data,
              const char          *name,
              guint                size,
              const HsValue       *args,
              HsValue             *result,
              GError             **error)
{
  guint core;

  if (env->core == NULL)
    return unavailable (env, name, error);
  if (!env->core (data, &core, error))
    return FALSE;
  hs_value_set_number (result, core);
  return TRUE;
}

static gboolean
builtin_register (const HsBuiltinEnv  *env,
                  gpointer             data,
                  const char          *name,
                  guint                size,
                  const HsValue       *args,
                  HsValue             *result,
                  GError             **error)
{
  guint64 v = 0;

  if (env->read_register == NULL)
    return unavailable (env, name, error);
  if (!env->read_register (data, args[0].string, &v, error))
    return FALSE;
  hs_value_set_number (result, v);
  return TRUE;
}

static gboolean
builtin_data (const HsBuiltinEnv  *env,
              gpointer             data,
              const char          *name,
              guint                size,
              const HsValue       *args,
              HsValue             *result,
              GError             **error)
{
  guint64 v = 0;

  if (env->read_memory == NULL)
    return unavailable (env, name, error);
  if (!env->read_memory (data, args[0].number, &v, size, error))
    return FALSE;
  hs_value_set_number (result, GUINT64_FROM_LE (v));
  return TRUE;
}

static const Builtin builtins[] = {
  { "TRUE", 0, HS_VALUE_NUMBER, 1, builtin_boolean },
  { "FALSE", 0, HS_VALUE_NUMBER, 0, builtin_boolean },
  { "STATE.RUN", 0, HS_VALUE_NUMBER, HS_BUILTIN_STATE_RUNNING, builtin_state },
  { "STATE.HALT", 0, HS_VALUE_NUMBER, HS_BUILTIN_STATE_HALTED, builtin_state },
  { "STATE.ATTACHED", 0, HS_VALUE_NUMBER, G_MAXUINT, builtin_state },
  { "CORE", 0, HS_VALUE_NUMBER, 0, builtin_core },
  { "Register", 1, HS_VALUE_STRING, 0, builtin_register },
  { "Data.Byte", 1, HS_VALUE_NUMBER, 1, builtin_data },
  { "Data.Word", 1, HS_VALUE_NUMBER, 2, builtin_data },
  { "Data.Long", 1, HS_VALUE_NUMBER, 4, builtin_data },
  { "Data.Quad", 1, HS_VALUE_NUMBER, 8, builtin_data },
};

char *
hs_builtins_describe (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    g_string_append_printf (s, "%s%s(%s)", i ? ", " : "", builtins[i].name,
                            builtins[i].n_args == 0 ? ""
                            : builtins[i].arg_type == HS_VALUE_STRING ? "name" : "address");
  return g_string_free (s, FALSE);
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
      const Builtin *f = &builtins[i];

      if (!hs_command_name_matches (f->name, name))
        continue;
      if (n_args != f->n_args || (n_args == 1 && args[0].type != f->arg_type))
        {
          g_set_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_BAD_ARGUMENT,
                       "%s() takes %s", f->name,
                       f->n_args == 0 ? "no arguments"
                       : f->arg_type == HS_VALUE_STRING ? "one name, e.g. Register(pc)"
                       : "one address, e.g. Data.Long(0x1000)");
          return FALSE;
        }
      return f->func (b->env, b->data, f->name, f->size, args, result, error);
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

HsExprContext
hs_builtins_context (HsBuiltinBinding *binding)
{
  HsExprContext ctx = { call_builtin, lookup_name, binding };

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
