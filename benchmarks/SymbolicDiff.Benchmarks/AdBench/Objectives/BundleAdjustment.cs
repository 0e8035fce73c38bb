using SymbolicDiff;

namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchObjectives
{
    /// <summary>Parameters per camera in <see cref="BundleAdjustment"/>: rotation (3), centre (3), focal length,
    /// principal point (2), radial distortion (2), as in ADBench.</summary>
    public const int CameraParameters = 11;

    /// <summary>
    /// ADBench's bundle adjustment (microsoft/ADBench src/cpp/shared/ba.h; GradBench cpp/gradbench/evals/ba.hpp) as
    /// one scalar: the sum over observations of the squared reprojection residual ‖wᵢ (proj(camᵢ, Xᵢ) − featᵢ)‖² and
    /// the squared Zach weight residual (1 − wᵢ²)². ADBench asks for the residuals' Jacobian; this is the objective
    /// a least-squares solver takes the gradient of (gradient = 2 Jᵀ r). <paramref name="observations"/> holds
    /// (camera, point) index pairs; the projection rotates X − C by the Rodrigues vector, divides by depth, applies
    /// radial distortion 1 + k₁r² + k₂r⁴, scales by f and shifts by the principal point.
    /// </summary>
    [Differentiable(nameof(cameras), nameof(points), nameof(weights))]
    public static double BundleAdjustment(
        ReadOnlySpan<double> cameras, ReadOnlySpan<double> points, ReadOnlySpan<double> weights,
        ReadOnlySpan<int> observations, ReadOnlySpan<double> features)
    {
        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            int cam = observations[2 * i] * CameraParameters;
            int pt = observations[2 * i + 1] * 3;

            double px = points[pt] - cameras[cam + 3];
            double py = points[pt + 1] - cameras[cam + 4];
            double pz = points[pt + 2] - cameras[cam + 5];

            double r0 = cameras[cam];
            double r1 = cameras[cam + 1];
            double r2 = cameras[cam + 2];
            double sqTheta = r0 * r0 + r1 * r1 + r2 * r2;
            double xCam;
            double yCam;
            double zCam;
            if (sqTheta != 0)
            {
                double theta = Math.Sqrt(sqTheta);
                double cosTheta = Math.Cos(theta);
                double sinTheta = Math.Sin(theta);
                double w0 = r0 / theta;
                double w1 = r1 / theta;
                double w2 = r2 / theta;
                double tmp = (w0 * px + w1 * py + w2 * pz) * (1 - cosTheta);
                xCam = px * cosTheta + (w1 * pz - w2 * py) * sinTheta + w0 * tmp;
                yCam = py * cosTheta + (w2 * px - w0 * pz) * sinTheta + w1 * tmp;
                zCam = pz * cosTheta + (w0 * py - w1 * px) * sinTheta + w2 * tmp;
            }
            else
            {
                xCam = px + (r1 * pz - r2 * py);
                yCam = py + (r2 * px - r0 * pz);
                zCam = pz + (r0 * py - r1 * px);
            }

            double u = xCam / zCam;
            double v = yCam / zCam;
            double rSquared = u * u + v * v;
            double distortion = 1 + cameras[cam + 9] * rSquared + cameras[cam + 10] * rSquared * rSquared;
            double focal = cameras[cam + 6];
            double projectedX = u * distortion * focal + cameras[cam + 7];
            double projectedY = v * distortion * focal + cameras[cam + 8];

            double errorX = weights[i] * (projectedX - features[2 * i]);
            double errorY = weights[i] * (projectedY - features[2 * i + 1]);
            double weightError = 1 - weights[i] * weights[i];
            total += errorX * errorX + errorY * errorY + weightError * weightError;
        }

        return total;
    }
}
