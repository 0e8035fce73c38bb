using SymbolicDiff.Runtime;
namespace SymbolicDiff.Benchmarks.AdBench;

public static partial class AdBenchHandWritten
{
    /// <summary>
    /// The gradient of <see cref="AdBenchObjectives.BundleAdjustment"/>, 2 Jᵀ r per observation. ADBench's manual
    /// code (microsoft/ADBench src/cpp/shared/ba_d.cpp; GradBench tools/manual/ba_d.cpp) builds the 2 × 15 Jacobian
    /// of each reprojection residual by the chain rule through the same steps (Rodrigues rotation, perspective
    /// division, radial distortion, focal length and principal point); here the same chain is run backwards
    /// with the residual as the seed, which gives Jᵀ r without forming J.
    /// </summary>
    public static double BundleAdjustment(
        ReadOnlySpan<double> cameras, ReadOnlySpan<double> points, ReadOnlySpan<double> weights,
        ReadOnlySpan<int> observations, ReadOnlySpan<double> features,
        Span<double> dCameras, Span<double> dPoints, Span<double> dWeights)
    {
        Zeroing.Clear(dCameras);
        Zeroing.Clear(dPoints);
        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            int cam = observations[2 * i] * AdBenchObjectives.CameraParameters;
            int pt = observations[2 * i + 1] * 3;
            double px = points[pt] - cameras[cam + 3];
            double py = points[pt + 1] - cameras[cam + 4];
            double pz = points[pt + 2] - cameras[cam + 5];
            double r0 = cameras[cam], r1 = cameras[cam + 1], r2 = cameras[cam + 2];
            double sqTheta = r0 * r0 + r1 * r1 + r2 * r2;

            double theta = 0, cosTheta = 0, sinTheta = 0, w0 = 0, w1 = 0, w2 = 0, dot = 0, tmp = 0;
            double xCam, yCam, zCam;
            if (sqTheta != 0)
            {
                theta = Math.Sqrt(sqTheta);
                cosTheta = Math.Cos(theta);
                sinTheta = Math.Sin(theta);
                w0 = r0 / theta;
                w1 = r1 / theta;
                w2 = r2 / theta;
                dot = w0 * px + w1 * py + w2 * pz;
                tmp = dot * (1 - cosTheta);
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
            double k1 = cameras[cam + 9], k2 = cameras[cam + 10];
            double distortion = 1 + k1 * rSquared + k2 * rSquared * rSquared;
            double focal = cameras[cam + 6];
            double differenceX = u * distortion * focal + cameras[cam + 7] - features[2 * i];
            double differenceY = v * distortion * focal + cameras[cam + 8] - features[2 * i + 1];
            double weight = weights[i];
            double errorX = weight * differenceX;
            double errorY = weight * differenceY;
            double weightError = 1 - weight * weight;
            total += errorX * errorX + errorY * errorY + weightError * weightError;

            // Backwards: seeds 2r for each squared residual.
            double errorXBar = 2 * errorX, errorYBar = 2 * errorY, weightErrorBar = 2 * weightError;
            dWeights[i] = errorXBar * differenceX + errorYBar * differenceY - 2 * weight * weightErrorBar;
            double projectedXBar = errorXBar * weight, projectedYBar = errorYBar * weight;
            dCameras[cam + 7] += projectedXBar;
            dCameras[cam + 8] += projectedYBar;
            dCameras[cam + 6] += (projectedXBar * u + projectedYBar * v) * distortion;
            double distortionBar = (projectedXBar * u + projectedYBar * v) * focal;
            double uBar = projectedXBar * distortion * focal;
            double vBar = projectedYBar * distortion * focal;
            dCameras[cam + 9] += distortionBar * rSquared;
            dCameras[cam + 10] += distortionBar * rSquared * rSquared;
            double rSquaredBar = distortionBar * (k1 + 2 * k2 * rSquared);
            uBar += 2 * u * rSquaredBar;
            vBar += 2 * v * rSquaredBar;
            double xCamBar = uBar / zCam, yCamBar = vBar / zCam, zCamBar = -(uBar * u + vBar * v) / zCam;

            double pxBar, pyBar, pzBar;
            if (sqTheta != 0)
            {
                // Xcam = p cosθ + (w × p) sinθ + w tmp, tmp = (w · p)(1 − cosθ), w = r/θ, θ = ‖r‖.
                pxBar = xCamBar * cosTheta;
                pyBar = yCamBar * cosTheta;
                pzBar = zCamBar * cosTheta;
                double cosBar = xCamBar * px + yCamBar * py + zCamBar * pz;
                double sinBar = xCamBar * (w1 * pz - w2 * py) + yCamBar * (w2 * px - w0 * pz) + zCamBar * (w0 * py - w1 * px);
                // (w × p) · a with a = X̄cam sinθ: w̄ += p × a, p̄ += a × w.
                double ax = xCamBar * sinTheta, ay = yCamBar * sinTheta, az = zCamBar * sinTheta;
                double w0Bar = py * az - pz * ay + xCamBar * tmp;
                double w1Bar = pz * ax - px * az + yCamBar * tmp;
                double w2Bar = px * ay - py * ax + zCamBar * tmp;
                pxBar += ay * w2 - az * w1;
                pyBar += az * w0 - ax * w2;
                pzBar += ax * w1 - ay * w0;
                double tmpBar = xCamBar * w0 + yCamBar * w1 + zCamBar * w2;
                double dotBar = tmpBar * (1 - cosTheta);
                cosBar -= tmpBar * dot;
                w0Bar += dotBar * px;
                w1Bar += dotBar * py;
                w2Bar += dotBar * pz;
                pxBar += dotBar * w0;
                pyBar += dotBar * w1;
                pzBar += dotBar * w2;
                double thetaBar = -sinTheta * cosBar + cosTheta * sinBar - (w0Bar * r0 + w1Bar * r1 + w2Bar * r2) / sqTheta;
                dCameras[cam] += w0Bar / theta + thetaBar * r0 / theta;
                dCameras[cam + 1] += w1Bar / theta + thetaBar * r1 / theta;
                dCameras[cam + 2] += w2Bar / theta + thetaBar * r2 / theta;
            }
            else
            {
                // Xcam = p + r × p: r̄ += p × X̄cam, p̄ += X̄cam + X̄cam × r.
                dCameras[cam] += py * zCamBar - pz * yCamBar;
                dCameras[cam + 1] += pz * xCamBar - px * zCamBar;
                dCameras[cam + 2] += px * yCamBar - py * xCamBar;
                pxBar = xCamBar + (yCamBar * r2 - zCamBar * r1);
                pyBar = yCamBar + (zCamBar * r0 - xCamBar * r2);
                pzBar = zCamBar + (xCamBar * r1 - yCamBar * r0);
            }

            dPoints[pt] += pxBar;
            dPoints[pt + 1] += pyBar;
            dPoints[pt + 2] += pzBar;
            dCameras[cam + 3] -= pxBar;
            dCameras[cam + 4] -= pyBar;
            dCameras[cam + 5] -= pzBar;
        }

        return total;
    }
}
