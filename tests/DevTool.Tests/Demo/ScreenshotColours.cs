using SkiaSharp;

namespace Insights.DevTool.Tests.Demo;

/// <summary>
/// Pixels of one exact colour in a screenshot, inside and outside a box. The page reserves some colours for
/// one element each (page.css: the histogram's bars are the only #e8590c), so where those pixels are says
/// whether the element was drawn, and drawn where the DOM says it is.
/// </summary>
public static class ScreenshotColours
{
    public static (int Inside, int Outside) Count(SKBitmap image, SKColor colour, SKRectI box)
    {
        var (inside, outside) = (0, 0);
        var pixels = image.Pixels;
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
                if (pixels[y * image.Width + x] == colour)
                {
                    if (box.Contains(x, y)) inside++; else outside++;
                }
        return (inside, outside);
    }
}
