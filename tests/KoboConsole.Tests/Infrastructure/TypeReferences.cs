using System.Reflection;
using System.Reflection.Emit;

namespace KoboConsole.Tests.Infrastructure;

/// <summary>
/// The types a type of the built assembly uses: in its signatures (base type, interfaces, fields,
/// properties, parameters, return types) and in its method bodies (every type, method and field
/// token of the IL), generic arguments included. Nested types (lambdas, async state machines) count
/// as their outer type's, since they share its namespace.
/// </summary>
internal static class TypeReferences
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private static readonly Dictionary<ushort, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => (ushort)o.Value);

    public static IEnumerable<Type> Of(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            if (t.IsGenericType)
            {
                foreach (var a in t.GetGenericArguments())
                {
                    Add(a);
                }
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var f in type.GetFields(Declared))
        {
            Add(f.FieldType);
        }

        foreach (var p in type.GetProperties(Declared))
        {
            Add(p.PropertyType);
        }

        foreach (var m in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (m is MethodInfo mi)
            {
                Add(mi.ReturnType);
            }

            foreach (var p in m.GetParameters())
            {
                Add(p.ParameterType);
            }

            foreach (var t in BodyReferences(type, m))
            {
                Add(t);
            }
        }

        return found.Where(t => !t.IsGenericParameter);
    }

    private static IEnumerable<Type> BodyReferences(Type type, MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArgs = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArgs = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            ushort value = il[i] == 0xFE && i + 1 < il.Length ? (ushort)(0xFE00 | il[++i]) : il[i];
            i++;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    if (Resolve(method.Module, BitConverter.ToInt32(il, i), typeArgs, methodArgs) is { } member)
                    {
                        yield return member;
                    }

                    i += 4;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    private static Type? Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        try
        {
            return module.ResolveMember(token, typeArgs, methodArgs) switch
            {
                Type t => t,
                FieldInfo f => f.DeclaringType,
                MethodBase m => m.DeclaringType,
                _ => null,
            };
        }
        catch (ArgumentException)
        {
            // A token in a generic context the resolver cannot rebuild: its type shows in the signatures anyway.
            return null;
        }
    }
}
