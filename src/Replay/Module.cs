using System.Runtime.CompilerServices;

// Hot paths work on spans and small structs: no need to zero locals.
[module: SkipLocalsInit]
