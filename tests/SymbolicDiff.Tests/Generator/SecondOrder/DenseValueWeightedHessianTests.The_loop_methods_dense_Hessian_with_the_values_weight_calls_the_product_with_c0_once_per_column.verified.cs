    /// <summary>Computes <see cref="Scaled(global::System.ReadOnlySpan{double}, double, global::System.Span{double})"/>, writing its outputs, and the dense weighted Hessian with its returned value weighed in, Σᵢ cᵢ ∇²rᵢ + c₀ ∇²Scaled, over its outputs' elements rᵢ, their weights cᵢ and the value's weight c₀, with respect to <c>p</c>, <c>k</c>: n weighted Hessian-vector products with c₀, one per column, so for small n (n times the product's cost, n² storage). With c₀ = 0 it is the overload without c₀.</summary>
    /// <param name="p">As in <c>Scaled</c>; differentiated with respect to.</param>
    /// <param name="k">As in <c>Scaled</c>; differentiated with respect to.</param>
    /// <param name="r">As in <c>Scaled</c>; receives the method's results.</param>
    /// <param name="rCotangent">The weights cᵢ of <paramref name="r"/>'s elements; must have the length of <paramref name="r"/>.</param>
    /// <param name="valueCotangent">The weight c₀ of the value <c>Scaled</c> returns.</param>
    /// <param name="hessian">Receives the weighted Hessian, row-major, n×n with n the total length of <c>p</c>, <c>k</c> (a scalar counts one), their elements in declaration order: element i·n + j is Σₖ cₖ ∂²rₖ/∂pᵢ∂pⱼ + c₀ ∂²Scaled/∂pᵢ∂pⱼ. Exactly symmetric (the mean of the two computed halves).</param>
    /// <exception cref="global::System.ArgumentException"><paramref name="hessian"/> does not have n² elements, or a weight has the wrong length.</exception>
    [global::System.CodeDom.Compiler.GeneratedCode("SymbolicDiff.Generator", "0.1.0")]
    public static void ScaledHessian(global::System.ReadOnlySpan<double> p, double k, global::System.Span<double> r, global::System.ReadOnlySpan<double> rCotangent, double valueCotangent, global::System.Span<double> hessian)
    {
        int n = p.Length + 1;
        global::SymbolicDiff.Runtime.ArgumentChecks.SquareLength(hessian.Length, n, "hessian");
        var vPStorage = new global::SymbolicDiff.Runtime.ScratchBuffer<double>(p.Length, stackalloc double[global::SymbolicDiff.Runtime.StackStorage.For(p.Length)]);
        global::System.Span<double> vP = vPStorage.Span;
        var dPStorage = new global::SymbolicDiff.Runtime.ScratchBuffer<double>(p.Length, stackalloc double[global::SymbolicDiff.Runtime.StackStorage.For(p.Length)]);
        global::System.Span<double> dP = dPStorage.Span;
        var hvPStorage = new global::SymbolicDiff.Runtime.ScratchBuffer<double>(p.Length, stackalloc double[global::SymbolicDiff.Runtime.StackStorage.For(p.Length)]);
        global::System.Span<double> hvP = hvPStorage.Span;
        double vK = 0, dK, hvK; // k: its part of the direction, of cᵀJ + c₀ ∇Scaled and of each product
        // Column k_1 is the weighted product along the unit direction of p[k_1].
        for (int k_1 = 0; k_1 < p.Length; k_1++)
        {
            vP[k_1] = 1;
            ScaledHessianVectorProduct(p, k, r, rCotangent, valueCotangent, vP, vK, dP, out dK, hvP, out hvK);
            vP[k_1] = 0;
            for (int i = 0; i < p.Length; i++)
            {
                hessian[i * n + k_1] = hvP[i];
            }
            hessian[p.Length * n + k_1] = hvK;
        }
        // Column p.Length is the weighted product along the unit direction of k.
        vK = 1;
        ScaledHessianVectorProduct(p, k, r, rCotangent, valueCotangent, vP, vK, dP, out dK, hvP, out hvK);
        vK = 0;
        for (int i = 0; i < p.Length; i++)
        {
            hessian[i * n + p.Length] = hvP[i];
        }
        hessian[p.Length * n + p.Length] = hvK;
        // Σ cₖ ∂²rₖ/∂pᵢ∂pⱼ + c₀ ∂²Scaled/∂pᵢ∂pⱼ is symmetric: the two products agree up to rounding; their mean makes the matrix exactly symmetric.
        for (int i = 1; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double mean = 0.5 * (hessian[i * n + j] + hessian[j * n + i]);
                hessian[i * n + j] = mean;
                hessian[j * n + i] = mean;
            }
        }
        vPStorage.Dispose();
        dPStorage.Dispose();
        hvPStorage.Dispose();
    }
