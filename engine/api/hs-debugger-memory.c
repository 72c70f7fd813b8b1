/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-debugger-memory.c: HsDebugger's memory, symbols and breakpoints:
 * reads and writes by any address form, symbols both ways, breakpoints set and removed.
 *
 * Part of HsDebugger, one class over several files sharing hs-debugger-private.h.
 * Threads: main thread only. Everything here runs on the thread that created the
 * debugger, on its thread-default main context; the engine's callbacks arrive there.
 */
#define G_LOG_DOMAIN "hs-debugger"

#include "config.h"

#include "hs-debugger-private.h"

/* ---- memory ------------------------------------------------------------------------------- */

/* Resolves @address into @where for @length bytes from it; if it cannot, returns the error
 * from @task and drops @task. @verb and @hint word the error ("read", "give a length ..."). */
static gboolean
resolve_range (HsDebugger *self,
               GTask      *task,
               const char *address,
               gsize       length,
               const char *verb,
               const char *hint,
               HsAddress  *where)
{
  GError *error = NULL;

  if (!hs_interp_resolve_address (self->interp, address, where, &error))
    g_task_return_error (task, error);
  else if (length == 0 || hs_address_range_wraps (where->offset, length))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "cannot %s %" G_GSIZE_FORMAT " bytes at %s: %s", verb, length,
                             address, hint);
  else
    return TRUE;
  g_object_unref (task);
  return FALSE;
}

static void
read_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(HsMemoryRead) read = hs_engine_read_finish (HS_ENGINE (object), result, &error);

  if (read == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* A script gets all the bytes it asked for, or why not. */
  if (read->fault != NULL)
    {
      g_autofree char *where = hs_address_format (&read->address);

      g_task_return_new_error (task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                               "cannot read %" G_GSIZE_FORMAT " bytes at %s: %s",
                               g_bytes_get_size (read->data), where, read->fault);
      return;
    }
  g_task_return_pointer (task, g_bytes_ref (read->data), (GDestroyNotify) g_bytes_unref);
}

/**
 * hs_debugger_read_memory:
 * @self: a debugger
 * @address: any address form: "2:::init_task", "2:::0x1f3::0xffff800008000000",
 *   "A:0x40000000" (host physical), "I:2:::0x41000000" (guest physical)
 * @length: how many bytes
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context with the bytes
 * @user_data: (closure callback): for @callback
 *
 * Reads memory through the named machine's and space's translation (stage 1
 * and stage 2 walked by the engine). Symbols in @address are resolved in the
 * machine it names. The target must be halted. Finish with
 * [method@Hyperscope.Debugger.read_memory_finish].
 */
void
hs_debugger_read_memory (HsDebugger          *self,
                         const char          *address,
                         gsize                length,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  HsAddress where;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (address != NULL);

  task = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_read_memory,
                                NULL);
  if (!resolve_range (self, task, address, length, "read",
                      "give a length of 1 or more that stays below the top of the address "
                      "space", &where))
    return;
  hs_engine_read_async (self->engine, &where, length, cancellable, read_done, task);
}

/**
 * hs_debugger_read_memory_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: (transfer full): the bytes, or %NULL with an error (naming the
 *   fault when some bytes could not be read)
 */
GBytes *
hs_debugger_read_memory_finish (HsDebugger    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return _hs_debugger_pointer_finish (self, result, hs_debugger_read_memory, error);
}

/**
 * hs_debugger_read_memory_sync:
 * @self: a debugger
 * @address: any address form ("2:::init_task", "A:0x40000000", ...)
 * @length: how many bytes
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * Reads memory, blocking; see [method@Hyperscope.Debugger.read_memory].
 *
 * Returns: (transfer full): the bytes, or %NULL with an error
 */
GBytes *
hs_debugger_read_memory_sync (HsDebugger    *self,
                              const char    *address,
                              gsize          length,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  hs_debugger_read_memory (self, address, length, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_read_memory_finish (self, _hs_debugger_block_on (self, &result), error);
}

/**
 * hs_debugger_write_memory:
 * @self: a debugger
 * @address: any address form ("2:::init_task", "A:0x40000000", ...)
 * @data: the bytes to write
 * @cancellable: (nullable): to give up
 * @callback: (scope async): called on the main context when written
 * @user_data: (closure callback): for @callback
 *
 * Writes memory through the named machine's and space's translation. The
 * target must be halted. Finish with
 * [method@Hyperscope.Debugger.write_memory_finish].
 */
void
hs_debugger_write_memory (HsDebugger          *self,
                          const char          *address,
                          GBytes              *data,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  HsAddress where;

  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (address != NULL);
  g_return_if_fail (data != NULL);

  task = _hs_debugger_new_task (self, cancellable, callback, user_data, hs_debugger_write_memory,
                                G_CALLBACK (hs_engine_write_finish));
  if (!resolve_range (self, task, address, g_bytes_get_size (data), "write",
                      "give 1 byte or more that stay below the top of the address space", &where))
    return;
  hs_engine_write_async (self->engine, &where, data, cancellable, _hs_debugger_boolean_done, task);
}

/**
 * hs_debugger_write_memory_finish:
 * @self: a debugger
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether every byte was written
 */
gboolean
hs_debugger_write_memory_finish (HsDebugger    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return _hs_debugger_boolean_finish (self, result, hs_debugger_write_memory, error);
}

/**
 * hs_debugger_write_memory_sync:
 * @self: a debugger
 * @address: any address form ("2:::init_task", "A:0x40000000", ...)
 * @data: the bytes to write
 * @cancellable: (nullable): to give up
 * @error: return location for an error
 *
 * Writes memory, blocking; see [method@Hyperscope.Debugger.write_memory].
 *
 * Returns: whether every byte was written
 */
gboolean
hs_debugger_write_memory_sync (HsDebugger    *self,
                               const char    *address,
                               GBytes        *data,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  hs_debugger_write_memory (self, address, data, cancellable, _hs_debugger_store_result, &result);
  return hs_debugger_write_memory_finish (self, _hs_debugger_block_on (self, &result), error);
}

/* ---- symbols ------------------------------------------------------------------------------ */

/**
 * hs_debugger_lookup_symbol:
 * @self: a debugger
 * @machine: the machine whose symbols to search (0: the hypervisor's)
 * @name: a symbol ("init_task", "do_nanosleep")
 * @error: return location for an error
 *
 * The address of a symbol in a machine's kernel (its bound ELF file, at its
 * load offset and KASLR slide).
 *
 * Returns: the address; 0 with an error when the machine or symbol is unknown
 */
guint64
hs_debugger_lookup_symbol (HsDebugger  *self,
                           guint        machine,
                           const char  *name,
                           GError     **error)
{
  guint64 address = 0;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  if (!hs_engine_check_machine (self->engine, machine, error)
      || !hs_engine_lookup_symbol (self->engine, machine, 0, name, &address, error))
    return 0;
  return address;
}

/**
 * hs_debugger_symbolize:
 * @self: a debugger
 * @machine: the machine whose symbols to search
 * @address: a virtual address in that machine's kernel
 *
 * Returns: (transfer full) (nullable): "name+0xoffset" for @address, or %NULL
 *   when no symbol of that machine covers it
 */
char *
hs_debugger_symbolize (HsDebugger *self,
                       guint       machine,
                       guint64     address)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_symbolize (self->engine, machine, 0, address);
}

/* ---- breakpoints -------------------------------------------------------------------------- */

/**
 * hs_debugger_get_breakpoints:
 * @self: a debugger
 *
 * Returns: (transfer none): the breakpoints ([class@Hyperscope.Breakpoint]),
 *   in the order they were set
 */
GListModel *
hs_debugger_get_breakpoints (HsDebugger *self)
{
  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  return hs_engine_get_breakpoints (self->engine);
}

/**
 * hs_debugger_add_breakpoint:
 * @self: a debugger
 * @location: any address form ("1:::dummy_get_stats64", "0:::0x2345e0")
 * @machine: the machine it stops in, or -1 for any (QEMU's stub matches the
 *   virtual pc in every machine; hits elsewhere are stepped past)
 * @task: (nullable): the only task it stops in, or %NULL for any
 * @error: return location for an error
 *
 * Sets a breakpoint (`Break.Set location /MACHINE machine /TASK task`). Set
 * while the target runs, it is planted at once. When it stops the target,
 * [signal@Hyperscope.Debugger::breakpoint-hit] is emitted with it.
 *
 * Returns: (transfer none): the breakpoint (owned by the debugger until
 *   removed), or %NULL with an error
 */
HsBreakpoint *
hs_debugger_add_breakpoint (HsDebugger  *self,
                            const char  *location,
                            gint         machine,
                            HsTask      *task,
                            GError     **error)
{
  HsAddress address;

  g_return_val_if_fail (HS_IS_DEBUGGER (self), NULL);
  g_return_val_if_fail (location != NULL, NULL);
  g_return_val_if_fail (task == NULL || HS_IS_TASK (task), NULL);

  if (machine < -1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "cannot set a breakpoint at %s for machine %d: give a machine number, or -1 "
                   "for any", location, machine);
      return NULL;
    }
  if (machine >= 0 && !hs_engine_check_machine (self->engine, (guint) machine, error))
    return NULL;
  if (task != NULL)
    {
      if (machine >= 0 && (guint) machine != hs_task_get_machine (task))
        {
          g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_TASK,
                       "cannot set a breakpoint at %s: task %s runs in machine %u, not %d",
                       location, hs_task_get_name (task), hs_task_get_machine (task), machine);
          return NULL;
        }
      machine = (gint) hs_task_get_machine (task);
    }
  if (!hs_interp_resolve_address (self->interp, location, &address, error))
    return NULL;
  return hs_engine_add_breakpoint (self->engine, &address, location, HS_BREAKPOINT_SOFTWARE,
                                   machine, task ? hs_task_get_pid (task) : -1,
                                   task ? hs_task_get_name (task) : NULL, error);
}

/**
 * hs_debugger_remove_breakpoint:
 * @self: a debugger
 * @breakpoint: one of its breakpoints
 *
 * Deletes a breakpoint; it is taken out of the target at once if planted.
 */
void
hs_debugger_remove_breakpoint (HsDebugger   *self,
                               HsBreakpoint *breakpoint)
{
  g_return_if_fail (HS_IS_DEBUGGER (self));
  g_return_if_fail (HS_IS_BREAKPOINT (breakpoint));

  hs_engine_remove_breakpoint (self->engine, breakpoint);
}
