using System.Text;
using CohortDashboard.Data.Import;

namespace CohortDashboard.Data.Tests.Import;

public sealed class JsonRecordSourceTests
{
    private const string Body = """[{"external_id":"A-1","name":"Café"},{"external_id":"A-2","segment":"SMB","tags":["x","y"]}]""";

    [Fact]
    public void ReadRecords_FieldsFromAnyObject_MissingOnesEmptyAndTagsJoined()
    {
        var source = new JsonRecordSource(() => new MemoryStream(Encoding.UTF8.GetBytes(Body)));

        Assert.Equal(["external_id", "name", "segment", "tags"], source.ReadHeader());
        var records = source.ReadRecords().ToList();
        Assert.Equal([2, 3], records.Select(r => r.Line));
        Assert.Equal(["A-1", "Café", "", ""], records[0].Fields);
        Assert.Equal(["A-2", "", "SMB", "x|y"], records[1].Fields);
    }

    [Fact]
    public void ReadRecords_TwoReadersSharingTheHeader_NamesPassMadeOnce()
    {
        var opens = 0;
        Stream Open()
        {
            opens++;
            return new MemoryStream(Encoding.UTF8.GetBytes(Body));
        }
        var header = new JsonHeader();

        var validate = new JsonRecordSource(Open, header).ReadRecords().Count();
        var write = new JsonRecordSource(Open, header).ReadRecords().Count();

        Assert.Equal((2, 2), (validate, write));
        Assert.Equal(3, opens); // names once, then each reader's records
        Assert.Equal(["external_id", "name", "segment", "tags"], header.Names);
    }
}
